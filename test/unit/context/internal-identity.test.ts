import type { Identity } from "../../../src/auth/identity";
import { InternalIdentityChannel } from "../../../src/context/internal-identity";
import { FakeClock } from "../../fakes/fake-clock";

const identity = { sub: "s", sessionId: "x", groups: ["admin"] } as unknown as Identity;

describe("the identity the supergraph hands to its internal auth subgraph", () => {
  it("opens what this process sealed, for ten seconds", () => {
    const clock = new FakeClock();
    const channel = new InternalIdentityChannel(clock);
    const sealed = channel.seal(identity);
    expect(channel.open(sealed)).toEqual(identity);
    clock.advanceSeconds(11);
    expect(channel.open(sealed)).toBeUndefined();
  });

  it("refuses a forged, tampered or foreign value", () => {
    const clock = new FakeClock();
    const channel = new InternalIdentityChannel(clock);
    const sealed = channel.seal(identity);
    const [body, mac] = sealed.split(".");
    const promoted = Buffer.from(JSON.stringify({ at: clock.now(), identity: { ...identity, groups: ["admin", "provider"] } })).toString("base64url");
    expect(channel.open(`${promoted}.${mac}`)).toBeUndefined();
    expect(channel.open(`${body}.`)).toBeUndefined();
    expect(channel.open("garbage")).toBeUndefined();
    expect(new InternalIdentityChannel(clock).open(sealed)).toBeUndefined();
  });
});
