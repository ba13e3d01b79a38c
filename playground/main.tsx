import "graphiql/graphiql.css";
import "./playground.css";
import { GraphiQL } from "graphiql";
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { session } from "./api";
import { AuthPanel } from "./auth-panel";
import { exampleTabs } from "./examples";

/** GraphiQL keeps tabs, headers and history here instead of localStorage: nothing outlives the tab. */
const memoryStorage = (): Storage => {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (key) => map.get(key) ?? null,
    key: (index) => [...map.keys()][index] ?? null,
    removeItem: (key) => void map.delete(key),
    setItem: (key, value) => void map.set(key, value),
  };
};

const storage = memoryStorage();

/** Every operation from GraphiQL carries the panel's current access token (read when it is sent). */
const fetcher = async (params: unknown) => {
  const token = session()?.accessToken;
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(params),
  });
  return response.json();
};

const Playground = () => {
  const [signedIn, setSignedIn] = useState(false);
  return (
    <div className="pg-layout" data-signed-in={signedIn}>
      <AuthPanel onSignedIn={setSignedIn} />
      <main className="pg-graphiql">
        <GraphiQL fetcher={fetcher} storage={storage} defaultTabs={exampleTabs} shouldPersistHeaders={false} />
      </main>
    </div>
  );
};

const root = document.getElementById("root");
if (root) createRoot(root).render(<Playground />);
