import { useEffect, useState } from "react";
import type { Example } from "./examples";

/** What /playground/features.json says of this gateway: hosted login's routes, and the features that are off. */
export type ServedFeatures = { hostedLogin: boolean; disabledFeatures: string[]; disabledFields: string[] };

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

const read = async (): Promise<ServedFeatures> => {
  const response = await fetch("/playground/features.json");
  const body = (response.ok ? await response.json() : {}) as Record<string, unknown>;
  return { hostedLogin: body["hostedLogin"] === true, disabledFeatures: strings(body["disabledFeatures"]), disabledFields: strings(body["disabledFields"]) };
};

let loaded: Promise<ServedFeatures> | undefined;
/** Asked once per page: every card and the explorer share the answer. */
export const servedFeatures = (): Promise<ServedFeatures> => (loaded ??= read().catch(() => ({ hostedLogin: false, disabledFeatures: [], disabledFields: [] })));

/** Undefined until the answer is in (show nothing optional before it). */
export const useServedFeatures = (): ServedFeatures | undefined => {
  const [features, setFeatures] = useState<ServedFeatures>();
  useEffect(() => {
    void servedFeatures().then(setFeatures);
  }, []);
  return features;
};

/** An example names no field of a feature that is off (it would only answer GRAPHQL_VALIDATION_FAILED). */
export const offersExample = (example: Pick<Example, "query">, features: Pick<ServedFeatures, "disabledFields"> | undefined): boolean =>
  !(features?.disabledFields ?? []).some((field) => new RegExp(`\\b${field}\\b`).test(example.query));
