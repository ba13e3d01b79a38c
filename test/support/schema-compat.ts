import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CriticalityLevel, diff, type Change } from "@graphql-inspector/core";
import { buildSchema, type GraphQLSchema } from "graphql";

const root = join(__dirname, "../..");

/** A breaking change named in docs/schema-changes.md: graphql-inspector's change type and path. */
export type Announcement = { type: string; path: string };

export const readSchema = (file: string): GraphQLSchema => buildSchema(readFileSync(join(root, file), "utf8"));

/**
 * The announced list: the rows of the table under "## Announced breaking changes", whose first two cells are
 * `CHANGE_TYPE` and `Type.field` in backquotes. Prose elsewhere on the page is not read.
 */
export const parseAnnouncements = (markdown: string): Announcement[] => {
  const section = markdown.split(/^## /m).find((part) => part.startsWith("Announced breaking changes"));
  if (section === undefined) throw new Error('docs/schema-changes.md has no "## Announced breaking changes" section');
  return [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*`([^`]+)`\s*\|/gm)].map(([, type = "", path = ""]) => ({ type, path }));
};

export const readAnnouncements = (): Announcement[] => parseAnnouncements(readFileSync(join(root, "docs/schema-changes.md"), "utf8"));

export type CompatReport = {
  /** Breaking per graphql-inspector and not announced: the check fails on any. */
  unannounced: Change[];
  /** Announced, and still what the diff shows. */
  announced: Change[];
  /** Announced but no longer in the diff: stale rows fail the check too, so the list stays true. */
  stale: Announcement[];
  /** Dangerous and safe changes: reported, never failing. */
  other: Change[];
};

const same = (change: Change, a: Announcement) => change.type === a.type && change.path === a.path;

/** graphql-inspector's classification of baseline → current, held against the announced list. */
export const checkCompatibility = async (baseline: GraphQLSchema, current: GraphQLSchema, announcements: Announcement[]): Promise<CompatReport> => {
  const changes = await diff(baseline, current);
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  return {
    unannounced: breaking.filter((c) => !announcements.some((a) => same(c, a))),
    announced: breaking.filter((c) => announcements.some((a) => same(c, a))),
    stale: announcements.filter((a) => !breaking.some((c) => same(c, a))),
    other: changes.filter((c) => c.criticality.level !== CriticalityLevel.Breaking),
  };
};

/** One line per change, as the failure message shows them: what to add to the announced table. */
export const asTableRows = (changes: readonly Change[]): string[] => changes.map((c) => `| \`${c.type}\` | \`${c.path ?? ""}\` | ${c.message} |`);
