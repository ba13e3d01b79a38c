import { startAuthentication, startRegistration } from "@simplewebauthn/browser";

/** The browser's passkey prompt for request options from the gateway; the answer as the JSON string it wants back. */
export const answerWithPasskey = async (options: string): Promise<string> => JSON.stringify(await startAuthentication({ optionsJSON: JSON.parse(options) }));

/** The browser's "create a passkey" prompt for creation options from the gateway; the answer as a JSON string. */
export const createPasskey = async (options: string): Promise<string> => JSON.stringify(await startRegistration({ optionsJSON: JSON.parse(options) }));
