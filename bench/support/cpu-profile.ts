/** Summaries of a V8 `.cpuprofile` (as written by `node --cpu-prof`). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Time spent in the function itself, by function. */
  readonly topSelf: ReadonlyArray<{ name: string; ms: number; percent: number }>;
  /** Self time by area: a package, a Node built-in, the service's own code, GC, idle. */
  readonly selfByArea: ReadonlyArray<{ area: string; ms: number; percent: number }>;
  /** Time with at least one frame of the area on the stack (areas overlap). */
  readonly inclusiveByArea: ReadonlyArray<{ area: string; ms: number; percent: number }>;
  /**
   * Time by the innermost Express middleware or handler on the stack (what it does itself and
   * what it calls, minus the middleware after it); otherwise by the leaf's area, prefixed "outside".
   */
  readonly byMiddleware: ReadonlyArray<{ middleware: string; ms: number; percent: number }>;
}

function frameName(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

const isLayerCall = (frame: ProfileNode['callFrame'] | undefined) =>
  frame !== undefined &&
  /router\/lib\/layer\.js$/.test(frame.url) &&
  (frame.functionName === 'handleRequest' || frame.functionName === 'handleError');

/** Where a frame comes from: `pkg:<name>`, `node:<module>`, `service:<file>`, or V8's pseudo frames. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  const builtin = /^node:(?:internal\/)?([^/]+(?:\/[^/]+)?)/.exec(url);
  if (builtin) return `node:${builtin[1]}`;
  const own = /\/dist\/(.+)\.js$/.exec(url);
  if (own) return `service:${own[1]}`;
  return url;
}

function rank<T extends string>(
  totals: Map<T, number>,
  totalMs: number,
  limit: number,
): Array<{ key: T; ms: number; percent: number }> {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, micros]) => ({ key, ms: micros / 1000, percent: (micros / 1000 / totalMs) * 100 }));
}

export function summarizeProfile(profile: CpuProfile, limit = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<string, number>();
  const selfArea = new Map<string, number>();
  const inclusiveArea = new Map<string, number>();
  const middleware = new Map<string, number>();
  let totalMicros = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    totalMicros += micros;
    const leaf = byId.get(id);
    if (!leaf) return;
    const { functionName, url } = leaf.callFrame;
    const name = frameName(leaf.callFrame);
    self.set(name, (self.get(name) ?? 0) + micros);
    const area = areaOf(url, functionName);
    selfArea.set(area, (selfArea.get(area) ?? 0) + micros);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (frame) seen.add(areaOf(frame.url, frame.functionName));
    }
    for (const stackArea of seen) inclusiveArea.set(stackArea, (inclusiveArea.get(stackArea) ?? 0) + micros);
    let owner: string | undefined;
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      const parent = parentOf.get(current);
      const frame = byId.get(current)?.callFrame;
      if (frame && isLayerCall(byId.get(parent ?? -1)?.callFrame)) {
        owner = frameName(frame);
        break;
      }
    }
    const key = owner ?? `outside: ${area}`;
    middleware.set(key, (middleware.get(key) ?? 0) + micros);
  });
  const totalMs = totalMicros / 1000;
  return {
    totalMs,
    topSelf: rank(self, totalMs, limit).map(({ key, ...rest }) => ({ name: key, ...rest })),
    selfByArea: rank(selfArea, totalMs, limit).map(({ key, ...rest }) => ({ area: key, ...rest })),
    inclusiveByArea: rank(inclusiveArea, totalMs, limit).map(({ key, ...rest }) => ({ area: key, ...rest })),
    byMiddleware: rank(middleware, totalMs, limit).map(({ key, ...rest }) => ({ middleware: key, ...rest })),
  };
}
