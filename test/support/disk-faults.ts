import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A small filesystem of its own, mounted for one test: a tmpfs (fills up) or a loop-mounted ext4 (freezes). */
export type TestDisk = { mountPoint: string; unmount(): void };

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: "pipe" });

/** A tmpfs of `size` (e.g. "64k"): writes past it fail with ENOSPC. Needs root (the test machine is). */
export const mountTmpfs = (size: string): TestDisk => {
  const mountPoint = mkdtempSync(join(tmpdir(), "tmpfs-"));
  run("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", mountPoint]);
  return {
    mountPoint,
    unmount: () => {
      run("umount", ["-l", mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
};

/** An 8 MB ext4 image on a loop device: `fsfreeze` stalls every write to it until thawed. */
export const mountLoopExt4 = (): TestDisk & { freeze(): void; thaw(): void; thawIfFrozen(): boolean; thawLater(ms: number): { child: ChildProcess; marker: string } } => {
  const dir = mkdtempSync(join(tmpdir(), "loopdisk-"));
  const image = join(dir, "disk.img");
  const mountPoint = join(dir, "mnt");
  mkdirSync(mountPoint);
  run("truncate", ["-s", "8M", image]);
  run("mkfs.ext4", ["-q", image]);
  run("mount", ["-o", "loop", image, mountPoint]);
  let frozen = false;
  const thaw = () => {
    if (!frozen) return;
    frozen = false;
    try {
      run("fsfreeze", ["-u", mountPoint]);
    } catch {
      // Already thawed by the safety child.
    }
  };
  return {
    mountPoint,
    freeze: () => {
      run("fsfreeze", ["-f", mountPoint]);
      frozen = true;
    },
    thaw,
    /** Thaws now; false when it was no longer frozen (the safety net had to thaw it first). */
    thawIfFrozen: () => {
      frozen = false;
      try {
        run("fsfreeze", ["-u", mountPoint]);
        return true;
      } catch {
        return false;
      }
    },
    /**
     * A safety net for code that would block the event loop (the test itself could then never thaw): a
     * separate process thaws after `ms` and leaves `marker` behind, so the test can tell it had to.
     */
    thawLater: (ms: number) => {
      const marker = join(dir, "thawed-by-safety-net");
      const child = spawn("sh", ["-c", `sleep ${ms / 1000}; fsfreeze -u '${mountPoint}' 2>/dev/null && touch '${marker}'`], { stdio: "ignore" });
      return { child, marker };
    },
    unmount: () => {
      thaw();
      run("umount", ["-l", mountPoint]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const safetyNetFired = (marker: string): boolean => existsSync(marker);
