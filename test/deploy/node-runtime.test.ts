import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import semver from 'semver';
import { dockerfileStages, readRepoFile } from './deploy-files.js';

const packageJson = JSON.parse(readRepoFile('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const engines = packageJson.engines.node;

function majorOf(range: string): number {
  const floor = semver.minVersion(range);
  assert.ok(floor, `not a version range: ${range}`);
  return floor.major;
}

/** The Node.js majors `.ci/run` runs the whole suite on (its NODE_MAJORS default). */
function ciNodeMajors(): number[] {
  const match = /^NODE_MAJORS=\$\{NODE_MAJORS:-"([\d ]+)"\}$/m.exec(readRepoFile('.ci/run'));
  assert.ok(match?.[1], 'NODE_MAJORS default not found in .ci/run');
  return match[1].trim().split(/\s+/).map(Number);
}

/** The Node.js major of every `FROM node:...` stage of the Dockerfile. */
function imageNodeMajors(): number[] {
  return dockerfileStages(readRepoFile('Dockerfile')).flatMap((stage) =>
    stage
      .filter((instruction) => instruction.keyword === 'FROM')
      .map((instruction) => /^node:(\d+)\b/.exec(instruction.args)?.[1])
      .filter((major) => major !== undefined)
      .map(Number),
  );
}

describe('supported Node.js runtimes', () => {
  it('CI tests the lowest version engines allows, and only majors that engines allows', () => {
    const majors = ciNodeMajors();
    assert.ok(majors.length >= 2, `NODE_MAJORS: ${majors.join(' ')}`);
    assert.ok(majors.includes(majorOf(engines)), `engines ${engines}: its floor is not tested by .ci/run`);
    for (const major of majors)
      assert.ok(semver.intersects(engines, `${major}.x`), `engines ${engines} lacks ${major}`);
  });

  it('every image stage uses the same Node.js major, so the addon built in one loads in the other', () => {
    const majors = imageNodeMajors();
    assert.ok(majors.length >= 2);
    assert.equal(new Set(majors).size, 1, `FROM node majors: ${majors.join(', ')}`);
  });

  it('the image runs the newest Node.js major that CI tests', () => {
    const [imageMajor] = imageNodeMajors();
    assert.equal(imageMajor, Math.max(...ciNodeMajors()));
  });

  it('@types/node matches the lowest supported major, so newer-only APIs fail the typecheck', () => {
    const typesRange = packageJson.devDependencies['@types/node'];
    assert.ok(typesRange, '@types/node is not a devDependency');
    assert.equal(majorOf(typesRange), majorOf(engines));
  });
});
