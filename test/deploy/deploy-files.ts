import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const KUBERNETES_DIR = join(REPO_ROOT, 'deploy', 'kubernetes');

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is checked field by field in the tests
export type Manifest = Record<string, any>;

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** Parses every document of a YAML file (with `<<` merge keys, as Compose allows), failing on any error or warning. */
export function parseYamlFile(path: string): Manifest[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'), { prettyErrors: true, merge: true });
  if (!Array.isArray(documents)) return [];
  return documents.map((document) => {
    const problems = [...document.errors, ...document.warnings];
    if (problems.length > 0) throw new Error(`${path}: ${problems.map((p) => p.message).join('; ')}`);
    return document.toJS() as Manifest;
  });
}

export function kubernetesFiles(): string[] {
  return readdirSync(KUBERNETES_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(KUBERNETES_DIR, name));
}

/** Every Kubernetes object under deploy/kubernetes (the kustomization file excluded). */
export function kubernetesObjects(): Manifest[] {
  return kubernetesFiles()
    .flatMap((file) => parseYamlFile(file))
    .filter((object) => object && object.kind !== 'Kustomization');
}

export function findObject(objects: Manifest[], kind: string): Manifest {
  const found = objects.filter((object) => object.kind === kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0] as Manifest;
}

export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** Splits a Dockerfile into instructions per build stage (continuations joined, comments dropped). */
export function dockerfileStages(text: string): DockerInstruction[][] {
  const stages: DockerInstruction[][] = [];
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const instruction = { keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '' };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}
