/**
 * The supply chain's install scripts are each approved by name in package.json#allowScripts
 * (npm 11), so `npm ci` runs none unreviewed and prints no warning. Today that is esbuild's
 * postinstall (it checks and links its platform binary).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../infra/build-stack.ts';

describe('install scripts', () => {
  it('approves exactly the reviewed ones, and npm finds none pending', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(`${projectRoot}/package.json`, 'utf8'));

    // Act
    const npm = spawnSync('npm', ['approve-scripts', '--allow-scripts-pending', '--json'], {
      cwd: projectRoot,
      encoding: 'utf8',
    });

    // Assess
    expect(manifest.allowScripts).toEqual({ esbuild: true });
    if (npm.status !== 0 && /Unknown command|not a valid/i.test(`${npm.stderr}${npm.stdout}`)) {
      console.warn('this npm has no approve-scripts (npm < 11): only package.json is checked');
      return;
    }
    expect(npm.status, npm.stderr).toBe(0);
    expect(JSON.parse(npm.stdout)).toEqual({ allowScripts: [] });
  });
});
