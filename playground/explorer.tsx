import { GraphiQL } from "graphiql";
import { useState } from "react";
import { exampleGroups, type Example } from "./examples";
import { graphiqlFetcher } from "./gateway";
import { offersExample, useServedFeatures } from "./served-features";

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

/** Forgets tabs, history and answers: called at sign-out, before the explorer is drawn afresh. */
export const forgetExplorer = () => storage.clear();

const first = exampleGroups[1]!.examples[0]!;

/** Examples by group above GraphiQL: picking one loads it into the editor. Features that are off offer none. */
export const Explorer = () => {
  const features = useServedFeatures();
  const groups = exampleGroups.map((g) => ({ ...g, examples: g.examples.filter((e) => offersExample(e, features)) })).filter((g) => g.examples.length > 0);
  const [groupId, setGroupId] = useState("account");
  const [chosen, setCurrent] = useState<Example>(first);
  const group = groups.find((g) => g.id === groupId) ?? groups[0]!;
  const current = offersExample(chosen, features) ? chosen : group.examples[0]!;
  return (
    <main className="pg-explorer">
      <header className="pg-explorer__bar">
        <h2>API explorer</h2>
        <nav className="pg-segmented" aria-label="Example groups">
          {groups.map((g) => (
            <button key={g.id} type="button" data-testid={`group-${g.id}`} aria-pressed={g.id === groupId} onClick={() => setGroupId(g.id)}>
              {g.label}
            </button>
          ))}
        </nav>
      </header>
      <div className="pg-examples" data-testid="examples">
        {group.examples.map((e) => (
          <button key={e.title} type="button" className="pg-example" aria-pressed={e === current} title={e.description} onClick={() => setCurrent(e)}>
            {e.title}
          </button>
        ))}
      </div>
      <p className="pg-explorer__about" data-testid="example-about">
        <strong>{current.title}.</strong> {current.description}
        {current.variables !== "{}" && " Fill in its variables in the Variables pane under the editor."}
      </p>
      <div className="pg-graphiql">
        <GraphiQL fetcher={graphiqlFetcher} storage={storage} query={current.query} variables={current.variables} shouldPersistHeaders={false} defaultEditorToolsVisibility={false} />
      </div>
    </main>
  );
};
