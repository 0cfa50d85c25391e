import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { describe, expect, it } from 'vitest';
import {
  chromiumEnvironment,
  INSECURE_FLAGS,
  isInlinedAsset,
  printerChromiumFlags,
} from '../../functions/render/chromium.ts';
import { SOFTWARE_GPU_FLAGS } from '../../functions/render/chromium-flags.ts';

describe('the printer’s Chromium flags', () => {
  it('drop the flags of @sparticuz/chromium that disable web security', () => {
    // Prepare
    const sparticuz = chromium.args;

    // Act
    const flags = printerChromiumFlags(sparticuz);

    // Assess
    for (const insecure of INSECURE_FLAGS) expect(sparticuz).toContain(insecure);
    for (const insecure of INSECURE_FLAGS) expect(flags).not.toContain(insecure);
  });

  it('print without a GPU, software or not', () => {
    // Prepare
    const sparticuz = chromium.args;

    // Act
    const flags = printerChromiumFlags(sparticuz);

    // Assess
    const isGpuFlag = (flag: string) =>
      SOFTWARE_GPU_FLAGS.some((gpu) => flag === gpu || flag.startsWith(`${gpu}=`));
    expect(sparticuz.filter(isGpuFlag).length).toBeGreaterThan(0);
    expect(flags.filter(isGpuFlag)).toEqual([]);
    expect(flags).toContain('--disable-gpu');
  });

  it('send every host and connection nowhere, loopback included', () => {
    // Act
    const flags = printerChromiumFlags(chromium.args);

    // Assess
    expect(flags).toContain('--host-resolver-rules=MAP * ~NOTFOUND');
    expect(flags).toContain('--proxy-bypass-list=<-loopback>');
    expect(flags.some((flag) => flag.startsWith('--proxy-server='))).toBe(true);
    expect(flags).toEqual(
      expect.arrayContaining([
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--export-tagged-pdf',
        '--generate-pdf-document-outline',
      ]),
    );
  });

  it('merge feature lists into one switch, since Chromium honours only the last', () => {
    // Act
    const flags = printerChromiumFlags([
      '--disable-features=A,B',
      '--no-zygote',
      '--disable-features=C',
    ]);

    // Assess
    const disableFeatures = flags.filter((flag) => flag.startsWith('--disable-features='));
    expect(disableFeatures).toHaveLength(1);
    expect(disableFeatures[0]?.split('=')[1]?.split(',')).toEqual(
      expect.arrayContaining(['A', 'B', 'C']),
    );
    expect(flags).toContain('--no-zygote');
  });

  it('run the headless shell with a plain --headless, not the quoted form of @sparticuz/chromium', () => {
    // Act
    const flags = printerChromiumFlags(chromium.args);

    // Assess
    expect(flags.filter((flag) => flag.startsWith('--headless'))).toEqual(['--headless']);
  });
});

describe('the printer’s Chromium environment', () => {
  it('points fontconfig at the fonts of @sparticuz/chromium so no system font is used', () => {
    // Prepare
    const fontsDir = mkdtempSync(join(tmpdir(), 'iep-fonts-'));
    writeFileSync(join(fontsDir, 'fonts.conf'), '<fontconfig/>');

    // Act
    const env = chromiumEnvironment({ PATH: '/usr/bin' }, fontsDir);

    // Assess
    expect(env).toEqual({ PATH: '/usr/bin', FONTCONFIG_PATH: fontsDir });
  });

  it('passes Chromium no AWS credential, no table name, nothing beyond its own variables', () => {
    // Act
    const env = chromiumEnvironment(
      {
        PATH: '/usr/bin',
        HOME: '/tmp',
        LD_LIBRARY_PATH: '/tmp/al2023/lib',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.2/creds',
        AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
        IEP_LINKS_TABLE: 'links',
      },
      '/nonexistent',
    );

    // Assess
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/tmp', LD_LIBRARY_PATH: '/tmp/al2023/lib' });
  });

  it('keeps a fontconfig path that is already set (as @sparticuz/chromium does in Lambda)', () => {
    // Act
    const env = chromiumEnvironment({ FONTCONFIG_PATH: '/opt/fonts' }, '/nonexistent');

    // Assess
    expect(env.FONTCONFIG_PATH).toBe('/opt/fonts');
  });
});

describe('the printer’s request filter', () => {
  it.each([
    ['data:font/woff2;base64,AAAA', true],
    ['DATA:image/png;base64,AAAA', true],
    ['http://127.0.0.1/', false],
    ['file:///etc/passwd', false],
    ['blob:null/1234', false],
    ['https://data.example/', false],
  ])('lets %s through: %s', (url, allowed) => {
    // Act
    const verdict = isInlinedAsset(url);

    // Assess
    expect(verdict).toBe(allowed);
  });
});
