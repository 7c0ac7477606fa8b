/**
 * The machine's tools that some tests need (kernel headers and image,
 * checkpatch, QEMU, clang-format, chromium), found the same way everywhere:
 * the newest installed Debian 6.12 version, never a hard-coded one. A test
 * file that needs a tool calls needTools(): in CI a missing tool is a
 * failing test, elsewhere a visible skip.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";

const SRC = "/usr/src";

const byVersion = (a: string, b: string) =>
  a.localeCompare(b, undefined, { numeric: true });

/** The newest entry of a directory whose name matches, and that holds `inside`. */
function newest(dir: string, name: RegExp, inside: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const hits = readdirSync(dir).filter(
    (d) => name.test(d) && existsSync(join(dir, d, inside)),
  );
  const pick = hits.sort(byVersion).at(-1);
  return pick === undefined ? undefined : join(dir, pick);
}

export interface KernelPair {
  readonly version: string;
  readonly image: string;
  readonly headers: string;
}

/** The newest installed 6.12 kernel image whose headers of the same version are installed too. */
export function findKernel(): KernelPair | undefined {
  const boot = existsSync("/boot") ? readdirSync("/boot") : [];
  const version = boot
    .map((f) => f.match(/^vmlinuz-(6\.12\.\d+\+deb12-amd64)$/)?.[1])
    .filter(
      (v): v is string =>
        v !== undefined &&
        existsSync(join(SRC, `linux-headers-${v}`, "Makefile")),
    )
    .sort(byVersion)
    .at(-1);
  return version
    ? {
        version,
        image: `/boot/vmlinuz-${version}`,
        headers: join(SRC, `linux-headers-${version}`),
      }
    : undefined;
}

/** Headers to build modules against: DMAPLAN_KDIR, or the newest installed 6.12 headers. */
export function findHeaders(): string | undefined {
  const kdir =
    process.env["DMAPLAN_KDIR"] ??
    newest(SRC, /^linux-headers-6\.12\..*-(amd64|arm64)$/, "Makefile");
  return kdir !== undefined && existsSync(join(kdir, "Makefile"))
    ? kdir
    : undefined;
}

/** checkpatch.pl: DMAPLAN_CHECKPATCH, or the one of an unpacked linux-source-6.12. */
export function findCheckpatch(): string | undefined {
  const tree = newest(SRC, /^linux-source-6\.12/, "scripts/checkpatch.pl");
  const script =
    process.env["DMAPLAN_CHECKPATCH"] ??
    (tree === undefined ? undefined : join(tree, "scripts/checkpatch.pl"));
  return script !== undefined && existsSync(script) ? script : undefined;
}

export function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The commands of the list that are not on the PATH. */
export function missingCommands(cmds: readonly string[]): string[] {
  return cmds.filter((c) => which(c) === undefined);
}

/**
 * True when nothing is missing. Otherwise registers, under `suite`, a test
 * that fails in CI (the tools are part of the job there) or a skipped one
 * elsewhere, prints why, and returns false: the caller then registers
 * nothing else.
 */
export function needTools(
  file: string,
  suite: string,
  missing: readonly string[],
): boolean {
  if (missing.length === 0) return true;
  const why = `missing ${missing.join(", ")}`;
  if (process.env["CI"]) {
    describe(suite, () => {
      it("has its tools installed", () => {
        throw new Error(
          `${file}: ${why} (CI is set, so this is a failure, not a skip)`,
        );
      });
    });
  } else {
    console.warn(`${file}: skipped, ${why}`);
    describe(suite, () => {
      it.skip(`skipped: ${why}`, () => {});
    });
  }
  return false;
}
