import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withDevelopmentDotenv } from '../../src/config/development-dotenv.js';

describe('.env in development', () => {
  it('fills in what the real environment lacks, and the real environment wins', () => {
    const { env, problems } = withDevelopmentDotenv({ PORT: '9000' }, 'PORT=7000\nLOG_LEVEL=debug\n');
    assert.deepEqual(problems, []);
    assert.equal(env.PORT, '9000');
    assert.equal(env.LOG_LEVEL, 'debug');
  });

  it('is ignored when the real environment says production', () => {
    const { env } = withDevelopmentDotenv({ NODE_ENV: 'production' }, 'GATEWAY_SECRET=from-file\n');
    assert.equal(env.GATEWAY_SECRET, undefined);
  });

  it('cannot switch the service into production by itself', () => {
    const { problems } = withDevelopmentDotenv({}, 'NODE_ENV=production\nGATEWAY_SECRET=x\n');
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^NODE_ENV: /);
    assert.doesNotMatch(problems[0] ?? '', /GATEWAY_SECRET=x/);
  });

  it('changes nothing when there is no .env file', () => {
    const real = { PORT: '1' };
    assert.equal(withDevelopmentDotenv(real, undefined).env, real);
  });
});
