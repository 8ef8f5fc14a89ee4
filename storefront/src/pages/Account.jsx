import { useState } from "react";
import { useMutation } from "urql";
import { ErrorMessage } from "../errors.jsx";
import { ops } from "../operations.js";
import { Link, navigate, useLocation } from "../router.jsx";
import { saveSession } from "../store.js";

/** After signing in, go back to where the visitor came from (?next=/cart), else the shop. */
function useNext() {
  const { params } = useLocation();
  const next = params.get("next");
  return next && next.startsWith("/") ? next : "/";
}

export function SignIn() {
  const next = useNext();
  const [{ fetching, error }, login] = useMutation(ops.Login);
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await login({ email: form.get("email"), password: form.get("password") });
    if (result.data?.login) {
      saveSession(result.data.login);
      navigate(next);
    }
  }
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} className="stack">
        <label>
          Email <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password{" "}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={fetching}>
          Sign in
        </button>
      </form>
      <ErrorMessage error={error} />
      <p>
        New here? <Link to={`/signup?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </section>
  );
}

export function SignUp() {
  const next = useNext();
  const [{ fetching, error }, register] = useMutation(ops.Register);
  const [mismatch, setMismatch] = useState(false);
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setMismatch(form.get("password") !== form.get("repeat"));
    if (form.get("password") !== form.get("repeat")) return;
    const result = await register({
      email: form.get("email"),
      name: form.get("name"),
      password: form.get("password"),
    });
    if (result.data?.register) {
      saveSession(result.data.register);
      navigate(next);
    }
  }
  return (
    <section className="narrow">
      <h1>Sign up</h1>
      <form onSubmit={submit} className="stack">
        <label>
          Name <input name="name" autoComplete="name" required />
        </label>
        <label>
          Email <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password (at least 10 characters){" "}
          <input name="password" type="password" autoComplete="new-password" required />
        </label>
        <label>
          Repeat the password{" "}
          <input name="repeat" type="password" autoComplete="new-password" required />
        </label>
        <button type="submit" disabled={fetching}>
          Create account
        </button>
      </form>
      {mismatch && (
        <p className="error" role="alert">
          The two passwords differ.
        </p>
      )}
      <ErrorMessage error={error} conflict="That email already has an account." />
      <p>
        Have an account? <Link to={`/signin?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </section>
  );
}
