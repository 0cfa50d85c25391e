/**
 * Chromium's command line for printing untrusted-by-default HTML to PDF: every flag in one place.
 * The printer launches with `ignoreDefaultArgs: true`, so this list is the whole command line
 * (puppeteer adds only `--remote-debugging-pipe` and a temporary `--user-data-dir`).
 */

/** Flags in `@sparticuz/chromium`'s defaults that weaken the web security model: never passed. */
export const INSECURE_FLAGS: readonly string[] = [
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
];

/**
 * Flags in `@sparticuz/chromium`'s defaults that emulate a GPU in software (SwiftShader), for
 * WebGL pages. Printing needs no GPU: software compositing without them costs markedly less CPU
 * per document (figures in docs/scale.md), so they are dropped and the GPU disabled.
 */
export const SOFTWARE_GPU_FLAGS: readonly string[] = [
  '--use-gl',
  '--use-angle',
  '--enable-unsafe-swiftshader',
  '--in-process-gpu',
  '--ignore-gpu-blocklist',
];

/**
 * A proxy that cannot be reached: `.invalid` never resolves (RFC 6761), and the host resolver rule
 * answers NOTFOUND for every name anyway. Not 0.0.0.0, which Linux treats as this host.
 */
export const UNREACHABLE_PROXY = 'http://proxy.invalid:9';

/** Features switched off on top of the ones `@sparticuz/chromium` disables. */
const DISABLED_FEATURES = [
  // Background downloads of translation models, optimization hints and media-router discovery
  // (puppeteer's own defaults, which we do not inherit because we ignore its default args).
  'Translate',
  'OptimizationHints',
  'MediaRouter',
];

/**
 * Splits a `--disable-features=`/`--enable-features=` flag list out of `args`:
 * Chromium honours only the last occurrence of a switch, so lists must be merged, not repeated.
 */
function takeFeatures(args: string[], switchName: string): string[] {
  const prefix = `${switchName}=`;
  const features: string[] = [];
  for (let i = args.length - 1; i >= 0; i--) {
    const arg = args[i] ?? '';
    if (arg.startsWith(prefix)) {
      features.unshift(...arg.slice(prefix.length).split(',').filter(Boolean));
      args.splice(i, 1);
    }
  }
  return features;
}

/**
 * The printer's Chromium flags: `@sparticuz/chromium`'s serverless defaults (single process, no
 * zygote, no sandbox, software GL) minus {@link INSECURE_FLAGS}, plus flags that keep the browser
 * off the network. Request interception on the page is the first line of defence; these flags are
 * the second, for traffic that interception does not see (preconnects, DNS prefetch, background
 * services, WebSocket, QUIC).
 * Long because: it is the flag list itself, each flag beside the reason it is kept or added; split,
 * flags and reasons would part.
 */
export function printerChromiumFlags(sparticuzArgs: readonly string[]): string[] {
  const base = sparticuzArgs.filter(
    (flag) =>
      ![...INSECURE_FLAGS, ...SOFTWARE_GPU_FLAGS].some(
        (dropped) => flag === dropped || flag.startsWith(`${dropped}=`),
      ),
  );
  // `--headless='shell'` from @sparticuz/chromium carries literal quotes; we pass our own below.
  const withoutHeadless = base.filter((flag) => !flag.startsWith('--headless'));
  const disabled = takeFeatures(withoutHeadless, '--disable-features');
  const enabled = takeFeatures(withoutHeadless, '--enable-features');

  return [
    // Kept from @sparticuz/chromium 147 (its source says why for each): --single-process and
    // --no-zygote (Lambda forbids the sandbox's prctl, so one process), --no-sandbox and
    // --disable-setuid-sandbox (see below), --disable-print-preview, --disk-cache-size,
    // --no-default-browser-check, --no-pings (no hyperlink auditing pings),
    // --disable-domain-reliability (no reports to Google), --ash-no-nudges,
    // --font-render-hinting=none (the same glyph metrics everywhere), and the features
    // AudioServiceOutOfProcess, IsolateOrigins, site-per-process off (one renderer process).
    ...withoutHeadless,
    // The binary is chrome-headless-shell: the old headless mode, the only one it has.
    '--headless',
    // Running as root (as Lambda and these build machines do) Chromium refuses to start with its
    // sandbox on; @sparticuz/chromium already passes `--no-sandbox` and `--disable-setuid-sandbox`.
    // We keep them because of that, and compensate by never letting content reach the network or
    // run script.
    ...ensure(withoutHeadless, '--no-sandbox'),
    // No GPU process and no software GPU: printing composites in software (see SOFTWARE_GPU_FLAGS).
    '--disable-gpu',
    // Frames are drawn only when asked for over DevTools, which we never do: printing needs none,
    // and the compositor, raster and display threads otherwise paint every document for a screen
    // nobody sees (a fifth of Chromium's CPU per document: docs/scale.md).
    '--enable-begin-frame-control',
    // Tagged PDF (structure tree, /MarkInfo) and an outline from the headings.
    '--export-tagged-pdf',
    '--generate-pdf-document-outline',
    // No background services: variations seed, safe browsing lists, update checks, etc.
    '--disable-background-networking',
    // No component updater downloads (CRLSets, CT lists, Widevine...).
    '--disable-component-update',
    // No account sync, first-run tasks, default apps, extensions or crash uploads.
    '--disable-sync',
    '--no-first-run',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-breakpad',
    '--disable-crash-reporter',
    '--disable-client-side-phishing-detection',
    // No metrics uploads (records locally only, never sends).
    '--metrics-recording-only',
    // No QUIC: it is UDP, which the HTTP proxy below does not carry.
    '--disable-quic',
    // No DNS prefetching of hosts named in links.
    '--dns-prefetch-disable',
    // Every host name resolves to nothing: a fetch that slips past interception cannot find a host.
    '--host-resolver-rules=MAP * ~NOTFOUND',
    // Every connection goes through a proxy that refuses it, IP literals included, and...
    `--proxy-server=${UNREACHABLE_PROXY}`,
    // ...loopback too: Chromium bypasses proxies for localhost/127.0.0.1/[::1] unless told not to.
    '--proxy-bypass-list=<-loopback>',
    // WebRTC may not send UDP around the proxy (script is off, but this costs nothing).
    '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
    // No new windows or tabs opened by content.
    '--block-new-web-contents',
    // Deterministic colours in the PDF.
    '--force-color-profile=srgb',
    // Lambda's /dev/shm is tiny: use /tmp for shared memory.
    '--disable-dev-shm-usage',
    `--disable-features=${unique([...disabled, ...DISABLED_FEATURES]).join(',')}`,
    ...(enabled.length > 0 ? [`--enable-features=${unique(enabled).join(',')}`] : []),
  ];
}

function ensure(args: readonly string[], flag: string): string[] {
  return args.includes(flag) ? [] : [flag];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
