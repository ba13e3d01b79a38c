import "graphiql/graphiql.css";
import "./playground.css";
import { createRoot } from "react-dom/client";
import { AuthPanel } from "./auth-panel";
import { Explorer } from "./explorer";
import { useAuthFlow } from "./use-auth-flow";

const Playground = () => {
  const flow = useAuthFlow();
  return (
    <div className="pg-layout" data-signed-in={flow.view === "signedIn"}>
      <AuthPanel flow={flow} />
      <Explorer />
    </div>
  );
};

const root = document.getElementById("root");
if (root) createRoot(root).render(<Playground />);
