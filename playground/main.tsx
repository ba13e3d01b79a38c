import "graphiql/graphiql.css";
import "./playground.css";
import { useEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { AuthPanel } from "./auth-panel";
import { Explorer, forgetExplorer } from "./explorer";
import { useAuthFlow } from "./use-auth-flow";

/**
 * A new explorer after every sign-out (button, idle logoff, revoked session): on a shared clinical
 * workstation the next person must not read the last answer (sub, email, groups) or the documents sent.
 */
const useExplorerPerSession = (signedIn: boolean): number => {
  const [generation, setGeneration] = useState(0);
  const wasSignedIn = useRef(false);
  useEffect(() => {
    if (signedIn) wasSignedIn.current = true;
    else if (wasSignedIn.current) {
      wasSignedIn.current = false;
      forgetExplorer();
      setGeneration((g) => g + 1);
    }
  }, [signedIn]);
  return generation;
};

const Playground = () => {
  const flow = useAuthFlow();
  const explorerGeneration = useExplorerPerSession(flow.tokens !== null);
  return (
    <div className="pg-layout" data-signed-in={flow.view === "signedIn"}>
      <AuthPanel flow={flow} />
      <Explorer key={explorerGeneration} />
    </div>
  );
};

const root = document.getElementById("root");
if (root) createRoot(root).render(<Playground />);
