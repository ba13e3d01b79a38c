import { kindTable } from "./001-lasting-records";

/** The gateway's sealed copy of each enrolled TOTP secret: lasting, like the authenticator itself. */
export const enrolledTotp = (schema: string): string => kindTable(schema, "enrolled_totp");
