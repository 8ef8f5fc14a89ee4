import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { ErrorMessage, hasCode } from "../errors.jsx";
import { formatDate } from "../format.js";
import { ops } from "../operations.js";

export function Notifications() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [cursors, setCursors] = useState([null]);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ops.Notifications,
    variables: { unreadOnly, first: 20, after: cursors[cursors.length - 1] },
    requestPolicy: "cache-and-network",
  });
  const [markState, markRead] = useMutation(ops.MarkNotificationRead);
  if (hasCode(error, "GRAPHQL_VALIDATION_FAILED")) {
    // The notifications subgraph is not part of the supergraph yet.
    return (
      <section>
        <h1>Notifications</h1>
        <p className="note" role="status" data-testid="notifications-unavailable">
          Notifications are not available in this shop yet.
        </p>
      </section>
    );
  }
  const me = data?.me;
  const connection = me?.notifications;
  return (
    <section>
      <h1>
        Notifications
        {me?.unreadNotificationCount != null && (
          <span className="muted"> · {me.unreadNotificationCount} unread</span>
        )}
      </h1>
      <div className="row">
        <label>
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(event) => {
              setUnreadOnly(event.target.checked);
              setCursors([null]);
            }}
          />{" "}
          Unread only
        </label>
        <button
          type="button"
          className="link"
          onClick={() => refetch({ requestPolicy: "network-only" })}
        >
          Refresh
        </button>
      </div>
      {!connection && (fetching ? <p>Loading…</p> : <ErrorMessage error={error} />)}
      <ErrorMessage error={markState.error} />
      {connection?.edges.length === 0 && <p className="muted">Nothing here.</p>}
      <ul className="notifications" data-testid="notifications">
        {connection?.edges.map(({ node }) => (
          <li key={node.id} className={node.readAt ? "card read" : "card unread"}>
            <span className="muted">
              {node.kind} · {formatDate(node.createdAt)}
            </span>
            <p>{node.message}</p>
            {!node.readAt && (
              <button type="button" className="link" onClick={() => markRead({ id: node.id })}>
                Mark read
              </button>
            )}
          </li>
        ))}
      </ul>
      {connection && (cursors.length > 1 || connection.pageInfo.hasNextPage) && (
        <div className="pager">
          <button
            type="button"
            disabled={cursors.length === 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            ← Newer
          </button>
          <button
            type="button"
            disabled={!connection.pageInfo.hasNextPage}
            onClick={() => setCursors([...cursors, connection.pageInfo.endCursor])}
          >
            Older →
          </button>
        </div>
      )}
    </section>
  );
}
