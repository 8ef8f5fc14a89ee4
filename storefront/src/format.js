const currencies = new Map();

/** Money is in minor units (cents). */
export function formatMoney({ amount, currency }) {
  if (!currencies.has(currency)) {
    currencies.set(currency, new Intl.NumberFormat("en-US", { style: "currency", currency }));
  }
  return currencies.get(currency).format(amount / 100);
}

export function formatCents(cents) {
  return formatMoney({ amount: cents, currency: "USD" });
}

export function formatDate(iso) {
  return new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}
