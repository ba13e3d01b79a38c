/**
 * The Node.js lines the gateway runs on (package.json "engines" says the same; a test keeps them equal).
 * No import here: this runs before anything native (argon2) is loaded, which on an older Node ends in a
 * segmentation fault with no output at all.
 */
export const supportedNode = { major: 22, minor: 12 } as const;
export const supportedNodeText = `Node.js ${supportedNode.major}.${supportedNode.minor} or later (the 22 and 24 LTS lines)`;

/** The one line to print when this Node cannot run the gateway, or undefined when it can. */
export const unsupportedNodeMessage = (version: string): string | undefined => {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  const ok = major > supportedNode.major || (major === supportedNode.major && minor >= supportedNode.minor);
  return ok ? undefined : `The gateway needs ${supportedNodeText}; this is Node.js ${version.replace(/^v/, "")}. Run it through npm (npm start), which uses the project's Node, or install a supported Node.`;
};
