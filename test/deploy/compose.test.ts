import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KNOWN_ENV_VARIABLES } from '../../src/config/known-variables.js';
import { type Manifest, parseYamlFile, REPO_ROOT } from './deploy-files.js';

const [compose = {}] = parseYamlFile(join(REPO_ROOT, 'docker-compose.yml'));
const services: Record<string, Manifest> = compose.services ?? {};
const appServices = Object.entries(services).filter(([, service]) => service.build !== undefined);

function environment(service: Manifest): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(
    env.map((entry: string) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]),
  );
}

describe('docker-compose.yml', () => {
  it('runs two instances built from the Dockerfile, with PostgreSQL and Redis', () => {
    assert.equal(appServices.length, 2);
    const images = Object.values(services).map((service) => String(service.image ?? ''));
    assert.ok(images.some((image) => image.startsWith('postgres:')));
    assert.ok(images.some((image) => image.startsWith('redis:')));
  });

  it('configures the instances with known variables, shared stores and obviously fake secrets', () => {
    for (const [name, service] of appServices) {
      const env = environment(service);
      for (const key of Object.keys(env))
        assert.ok(KNOWN_ENV_VARIABLES.includes(key), `${name}: unknown ${key}`);
      assert.equal(env.NODE_ENV, 'production');
      assert.match(env.DATABASE_URL ?? '', /^postgres(ql)?:\/\/.*@postgres:/);
      assert.match(env.REDIS_URL ?? '', /^redis:\/\/redis:/);
      for (const key of ['GATEWAY_SECRET', 'GATEWAY_API_SECRET', 'PARTNER_JWT_SECRET']) {
        assert.match(env[key] ?? '', /^fake-/, `${name}: ${key} must be an obvious placeholder`);
      }
    }
  });

  it('Prometheus scrapes each instance on its METRICS_PORT, never through the load balancer', () => {
    const prometheus = Object.values(services).find((service) =>
      String(service.image ?? '').startsWith('prom/prometheus:'),
    );
    assert.ok(prometheus, 'a Prometheus service');
    const mount = (prometheus.volumes as string[]).find((volume) => volume.includes('prometheus.yml'));
    const [config = {}] = parseYamlFile(join(REPO_ROOT, String(mount).split(':')[0] ?? ''));
    const targets: string[] = config.scrape_configs.flatMap((job: Manifest) =>
      job.static_configs.flatMap((group: Manifest) => group.targets),
    );
    const expected = appServices.map(([name, service]) => `${name}:${environment(service).METRICS_PORT}`);
    assert.deepEqual(targets.sort(), expected.sort());
    for (const [, service] of appServices) {
      assert.notEqual(environment(service).METRICS_PORT, environment(service).PORT);
    }
  });

  it('runs the instances read-only, without capabilities, after the stores are healthy', () => {
    for (const [name, service] of appServices) {
      assert.equal(service.read_only, true, `${name}: read_only`);
      assert.deepEqual(service.cap_drop, ['ALL']);
      assert.equal(service.depends_on?.postgres?.condition, 'service_healthy');
      assert.equal(service.depends_on?.redis?.condition, 'service_healthy');
    }
  });
});
