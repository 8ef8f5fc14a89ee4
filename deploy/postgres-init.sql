-- One database per subgraph (each domain owns its data).
CREATE DATABASE users;
CREATE DATABASE products;
CREATE DATABASE inventory;
CREATE DATABASE orders;
CREATE DATABASE reviews;
CREATE DATABASE notifications;
