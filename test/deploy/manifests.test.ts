import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { KNOWN_ENV_VARIABLES } from '../../src/config/known-variables.js';
import { buildTestApp } from '../support/test-app.js';
import {
  findObject,
  kubernetesFiles,
  kubernetesObjects,
  type Manifest,
  parseYamlFile,
  REPO_ROOT,
  readRepoFile,
} from './deploy-files.js';

const objects = kubernetesObjects();
const deployment = findObject(objects, 'Deployment');
const configMap = findObject(objects, 'ConfigMap');
const secret = findObject(objects, 'Secret');
const podSpec: Manifest = deployment.spec.template.spec;
const podLabels: Record<string, string> = deployment.spec.template.metadata.labels;
const container: Manifest = podSpec.containers[0];
const httpPort: Manifest = container.ports.find((port: Manifest) => port.name === 'http');

/** The entry point's shutdown grace, read from its source so the manifest cannot drift from it. */
function appShutdownGraceSeconds(): number {
  const lifecycle = readdirSync(join(REPO_ROOT, 'src', 'lifecycle')).map((name) => `src/lifecycle/${name}`);
  const sources = ['src/main.ts', ...lifecycle].map((path) => readRepoFile(path)).join('\n');
  const match = /SHUTDOWN_GRACE_MS\s*=\s*([\d_]+)/.exec(sources);
  assert.ok(match?.[1], 'SHUTDOWN_GRACE_MS not found in src/main.ts or src/lifecycle/');
  return Number(match[1].replaceAll('_', '')) / 1000;
}

function probes(): [string, Manifest][] {
  return ['startupProbe', 'livenessProbe', 'readinessProbe'].map((name) => [name, container[name]]);
}

function envValue(name: string): string | undefined {
  const entry = (container.env ?? []).find((item: Manifest) => item.name === name);
  return entry?.value ?? configMap.data[name];
}

function selects(selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => podLabels[key] === value);
}

describe('Kubernetes manifests', () => {
  const testApp = buildTestApp();
  after(() => testApp.close());

  it('parse as YAML with a kind and a name; kustomize applies all but the Secret template', () => {
    for (const object of objects) assert.ok(object.apiVersion && object.kind && object.metadata?.name);
    const [kustomization] = parseYamlFile(
      kubernetesFiles().find((f) => f.endsWith('kustomization.yaml')) ?? '',
    );
    const listed = [...(kustomization?.resources ?? [])].sort();
    const files = kubernetesFiles()
      .map((file) => file.split('/').at(-1))
      .filter((name) => name !== 'kustomization.yaml' && name !== 'secret.yaml');
    assert.deepEqual(listed, files);
  });

  it("deploys this release's image: its tag is the package.json version", () => {
    const { version } = JSON.parse(readRepoFile('package.json')) as { version: string };
    assert.equal(container.image, `registry.example.com/gateway-token-service:${version}`);
  });

  it('probe paths answer 200 on the real app: liveness /healthz, readiness /readyz', async () => {
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    for (const [name, probe] of probes()) {
      const response = await request(testApp.app).get(probe.httpGet.path);
      assert.equal(response.status, 200, `${name} ${probe.httpGet.path} answered ${response.status}`);
    }
  });

  it('probes, the Service and PORT all use the container port the app listens on', () => {
    assert.equal(httpPort.containerPort, Number(configMap.data.PORT ?? testApp.config.port));
    for (const [name, probe] of probes()) {
      assert.ok([httpPort.name, httpPort.containerPort].includes(probe.httpGet.port), `${name} port`);
    }
    const service = findObject(objects, 'Service');
    assert.ok(selects(service.spec.selector), 'Service selects the pods');
    assert.ok(
      service.spec.ports.some((p: Manifest) =>
        [httpPort.name, httpPort.containerPort].includes(p.targetPort),
      ),
    );
  });

  it('Prometheus scrapes /metrics on METRICS_PORT of each pod; the Service and the public port never serve it', async () => {
    const metricsPort = Number(configMap.data.METRICS_PORT);
    const named: Manifest = container.ports.find((port: Manifest) => port.name === 'metrics');
    assert.equal(named?.containerPort, metricsPort);
    assert.notEqual(metricsPort, httpPort.containerPort);
    const annotations: Record<string, string> = deployment.spec.template.metadata.annotations;
    assert.equal(annotations['prometheus.io/scrape'], 'true');
    assert.equal(Number(annotations['prometheus.io/port']), metricsPort);
    assert.equal(annotations['prometheus.io/path'], '/metrics');
    const service = findObject(objects, 'Service');
    for (const port of service.spec.ports) {
      assert.ok(
        ![named.name, metricsPort].includes(port.targetPort),
        'the Service does not route the metrics port',
      );
    }
    // The app as these manifests configure it: production, METRICS_PORT set.
    const production = buildTestApp({
      env: {
        NODE_ENV: 'production',
        GATEWAY_API_URL: configMap.data.GATEWAY_API_URL,
        CORS_ORIGINS: configMap.data.CORS_ORIGINS,
        METRICS_PORT: configMap.data.METRICS_PORT,
      },
    });
    try {
      assert.equal(production.config.metricsPort, metricsPort);
      await request(production.app).get('/metrics').expect(404);
    } finally {
      await production.close();
    }
  });

  it('uses only environment variable names that the configuration knows', () => {
    const names = [
      ...(container.env ?? []).map((entry: Manifest) => entry.name),
      ...Object.keys(configMap.data),
    ];
    assert.ok(names.length > 5);
    for (const name of names) assert.ok(KNOWN_ENV_VARIABLES.includes(name), `unknown variable ${name}`);
    assert.equal(configMap.data.NODE_ENV, 'production');
    for (const [key, value] of Object.entries(configMap.data))
      assert.equal(typeof value, 'string', `${key} unquoted`);
    assert.ok(
      container.envFrom.some((source: Manifest) => source.configMapRef?.name === configMap.metadata.name),
    );
  });

  it('reads secrets from the Secret, as files named by *_FILE or through secretKeyRef, never from the ConfigMap', () => {
    const secretKeys = Object.keys({ ...secret.data, ...secret.stringData });
    const mount = container.volumeMounts.find((m: Manifest) => m.name === 'secrets');
    const volume = podSpec.volumes.find((v: Manifest) => v.name === mount?.name);
    assert.equal(volume?.secret?.secretName, secret.metadata.name);
    for (const entry of container.env ?? []) {
      if (entry.valueFrom) {
        assert.equal(entry.valueFrom.secretKeyRef?.name, secret.metadata.name);
        assert.ok(secretKeys.includes(entry.valueFrom.secretKeyRef.key));
      } else if (entry.name.endsWith('_FILE')) {
        assert.equal(entry.value, `${mount.mountPath}/${entry.name.replace(/_FILE$/, '')}`);
        assert.ok(secretKeys.includes(entry.name.replace(/_FILE$/, '')), `${entry.name}: key not in Secret`);
      }
    }
    for (const key of secretKeys)
      assert.equal(configMap.data[key], undefined, `${key} also in the ConfigMap`);
  });

  it('the Secret template holds placeholders only', () => {
    for (const [key, value] of Object.entries(secret.stringData ?? {})) {
      assert.match(String(value), /REPLACE/, `${key} looks like a real value`);
    }
    assert.equal(secret.data, undefined, 'no base64 data in the template');
  });

  it('several replicas run on PostgreSQL and Redis, never on the single-instance SQLite default', () => {
    const hpa = findObject(objects, 'HorizontalPodAutoscaler');
    assert.ok((deployment.spec.replicas ?? hpa.spec.minReplicas) > 1 && hpa.spec.minReplicas > 1);
    assert.equal(hpa.spec.scaleTargetRef.name, deployment.metadata.name);
    assert.ok(hpa.spec.maxReplicas >= hpa.spec.minReplicas);
    const stores = { ...secret.stringData, ...configMap.data };
    assert.ok(envValue('DATABASE_URL_FILE') || configMap.data.DATABASE_URL);
    assert.match(stores.DATABASE_URL, /^postgres(ql)?:\/\//);
    assert.ok(envValue('REDIS_URL_FILE') || configMap.data.REDIS_URL);
    assert.match(stores.REDIS_URL, /^rediss?:\/\//);
    const pdb = findObject(objects, 'PodDisruptionBudget');
    assert.ok(selects(pdb.spec.selector.matchLabels), 'PodDisruptionBudget selects the pods');
  });

  it('runs as a non-root user with a read-only root filesystem, no capabilities and a writable /tmp', () => {
    const pod = podSpec.securityContext;
    const own = container.securityContext;
    assert.equal(pod.runAsNonRoot, true);
    assert.ok(pod.runAsUser > 0 && own.runAsUser !== 0);
    assert.equal(own.readOnlyRootFilesystem, true);
    assert.equal(own.allowPrivilegeEscalation, false);
    assert.deepEqual(own.capabilities.drop, ['ALL']);
    const tmp = container.volumeMounts.find((m: Manifest) => m.mountPath === '/tmp');
    assert.ok(podSpec.volumes.find((v: Manifest) => v.name === tmp?.name)?.emptyDir, '/tmp is an emptyDir');
  });

  it('gives shutdown time: grace period above the preStop delay plus the app shutdown grace', () => {
    const command: string[] = container.lifecycle.preStop.exec.command;
    assert.equal(command[0], 'sleep');
    const preStopSeconds = Number(command[1]);
    assert.ok(preStopSeconds > 0);
    assert.ok(podSpec.terminationGracePeriodSeconds > preStopSeconds + appShutdownGraceSeconds());
    for (const kind of ['requests', 'limits']) {
      assert.ok(container.resources[kind].cpu && container.resources[kind].memory, `resources.${kind}`);
    }
  });
});
