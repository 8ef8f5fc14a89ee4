// Client-side routes under Vite's base (/shop/): the router serves index.html for any of them, so
// a reload or a shared link opens the same page.
import { useSyncExternalStore } from "react";

const BASE = import.meta.env.BASE_URL.replace(/\/$/, "");
const listeners = new Set();

function subscribe(listener) {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

const current = () => window.location.pathname + window.location.search;

export function navigate(to, { replace = false } = {}) {
  window.history[replace ? "replaceState" : "pushState"](null, "", BASE + to);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

/** The app-relative location: { path: "/products/product-1", params: URLSearchParams }. */
export function useLocation() {
  const href = useSyncExternalStore(subscribe, current);
  const url = new URL(href, window.location.origin);
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
  return { path: path || "/", params: url.searchParams };
}

export function Link({ to, children, ...props }) {
  function onClick(event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; // let the browser open a new tab or window
    }
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={BASE + to} onClick={onClick} {...props}>
      {children}
    </a>
  );
}
