import { ImagegenClient } from "@imagegen/client";
import { ImagegenProvider } from "@imagegen/react";
import { StrictMode, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { Console } from "./Console.js";
import { type Session, currentSession, signIn, signOut } from "./session.js";

function SignIn({ onSession }: { onSession: (session: Session) => void }) {
  const [text, setText] = useState("");
  const [invalid, setInvalid] = useState(false);
  return (
    <main className="sign-in">
      <h1>imagegen</h1>
      <p>
        Open the link the api printed at start, or paste a token (<code>imagegen-api token --user &lt;uuid&gt;</code>).
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const session = signIn(text);
          if (session) onSession(session);
          else setInvalid(true);
        }}
      >
        <label htmlFor="token">Token</label>
        <input id="token" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={invalid} autoComplete="off" />
        {invalid && <p role="alert">That is not a token.</p>}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(() => currentSession());
  const client = useMemo(
    () => (session ? new ImagegenClient({ baseUrl: window.location.origin, token: session.token }) : null),
    [session],
  );
  if (!session || !client) return <SignIn onSession={setSession} />;
  return (
    <ImagegenProvider client={client}>
      <Console
        session={session}
        onSignOut={() => {
          client.close();
          signOut();
          setSession(null);
        }}
      />
    </ImagegenProvider>
  );
}

const root = document.getElementById("root");
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
