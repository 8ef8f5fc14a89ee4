// Two tiny stores the whole app reads with useSyncExternalStore: the signed-in session (in
// sessionStorage: gone when the tab closes) and the cart (in localStorage: survives a reload).
import { useSyncExternalStore } from "react";

function createStore(storage, key, initial) {
  let value = initial;
  try {
    const saved = storage.getItem(key);
    if (saved) value = JSON.parse(saved);
  } catch {
    // An unreadable or unavailable storage leaves the store in memory only.
  }
  const listeners = new Set();
  return {
    get: () => value,
    set(next) {
      value = next;
      try {
        if (next === null) storage.removeItem(key);
        else storage.setItem(key, JSON.stringify(next));
      } catch {
        // Memory only, see above.
      }
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** { accessToken, refreshToken, expiresAt (ms), user: { id, name } } or null when signed out. */
export const session = createStore(window.sessionStorage, "shop.session", null);

export function saveSession(payload) {
  session.set({
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
    expiresAt: Date.now() + payload.expiresIn * 1000,
    user: { id: payload.user.id, name: payload.user.name },
  });
}

export const useSession = () => useSyncExternalStore(session.subscribe, session.get);

/** [{ productId, name, price: { amount, currency }, quantity }] */
export const cart = createStore(window.localStorage, "shop.cart", []);

export function addToCart(product, quantity) {
  const items = cart.get();
  const existing = items.find((item) => item.productId === product.id);
  cart.set(
    existing
      ? items.map((item) =>
          item === existing ? { ...item, quantity: item.quantity + quantity } : item,
        )
      : [...items, { productId: product.id, name: product.name, price: product.price, quantity }],
  );
}

export function setCartQuantity(productId, quantity) {
  cart.set(
    cart
      .get()
      .map((item) => (item.productId === productId ? { ...item, quantity } : item))
      .filter((item) => item.quantity > 0),
  );
}

export const useCart = () => useSyncExternalStore(cart.subscribe, cart.get);
