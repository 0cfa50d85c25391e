import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumPrinter, launchPrinter } from '../../functions/render/chromium.ts';
import { readPdf } from './chromium-pdf-reader.ts';

/** A TCP server that counts connections: any connection at all means Chromium reached out. */
interface Canary {
  server: Server;
  port: number;
  hits: number;
}

async function startCanary(host: string): Promise<Canary | undefined> {
  const canary: Canary = { server: createServer(), port: 0, hits: 0 };
  canary.server.on('connection', (socket) => {
    canary.hits++;
    socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 6\r\n\r\nCANARY');
  });
  const listening = await new Promise<boolean>((resolve) => {
    canary.server.once('error', () => resolve(false));
    canary.server.listen(0, host, () => resolve(true));
  });
  if (!listening) return undefined;
  const address = canary.server.address();
  canary.port = typeof address === 'object' && address !== null ? address.port : 0;
  return canary;
}

/** Every way we know for HTML to make a browser fetch something, aimed at `origins`. */
function everyFetch(origins: readonly string[], wsOrigins: readonly string[]): string {
  const perOrigin = origins
    .map(
      (o) => `
      <img src="${o}/img.png" alt="">
      <img srcset="${o}/srcset.png 1x, ${o}/srcset2.png 2x" alt="">
      <picture><source srcset="${o}/picture.png"><img src="data:," alt=""></picture>
      <link rel="stylesheet" href="${o}/style.css">
      <link rel="preload" as="image" href="${o}/preload.png">
      <link rel="prefetch" href="${o}/prefetch">
      <link rel="preconnect" href="${o}">
      <link rel="dns-prefetch" href="${o}">
      <link rel="icon" href="${o}/favicon.ico">
      <style>
        @import url("${o}/import.css");
        @font-face { font-family: Leak; src: url("${o}/font.woff2"); }
        .leak-${origins.indexOf(o)} { font-family: Leak; background: url("${o}/bg.png");
          list-style-image: url("${o}/list.png"); cursor: url("${o}/cursor.png"), auto;
          border-image: url("${o}/border.png") 30; mask-image: url("${o}/mask.png"); }
        .leak-${origins.indexOf(o)}::before { content: url("${o}/content.png"); }
      </style>
      <ul class="leak-${origins.indexOf(o)}"><li>Leak text</li></ul>
      <iframe src="${o}/iframe.html"></iframe>
      <object data="${o}/object.pdf"></object>
      <embed src="${o}/embed.swf">
      <video poster="${o}/poster.png" src="${o}/video.mp4" preload="auto"></video>
      <audio src="${o}/audio.mp3" preload="auto"></audio>
      <table background="${o}/table.png"><tr><td>cell</td></tr></table>
      <input type="image" src="${o}/input.png" alt="">
      <svg width="20" height="20" xmlns="http://www.w3.org/2000/svg">
        <image href="${o}/svg-image.png" width="10" height="10"/>
        <use href="${o}/sprite.svg#icon"/>
        <filter id="f"><feImage href="${o}/fe-image.png"/></filter>
      </svg>
      <script src="${o}/script.js"></script>
      <script>
        fetch('${o}/fetch'); const x = new XMLHttpRequest(); x.open('GET', '${o}/xhr'); x.send();
        new Worker('${o}/worker.js'); navigator.sendBeacon('${o}/beacon');
        navigator.serviceWorker && navigator.serviceWorker.register('${o}/sw.js');
        document.write('<img src="${o}/written.png">');
      </script>`,
    )
    .join('\n');
  const webSockets = wsOrigins.map((o) => `<script>new WebSocket('${o}/ws');</script>`).join('\n');
  const first = origins[0] ?? '';
  return `<!doctype html><html lang="en"><head>
    <meta http-equiv="refresh" content="0; url=${first}/refresh">
    <base href="${first}/base/">
    </head><body>
    <h1>LOCKDOWN-BODY</h1>
    <img src="relative.png" alt="">
    ${perOrigin}
    ${webSockets}
    <iframe src="file:///etc/passwd"></iframe>
    <img src="file:///etc/passwd" alt="">
    <object data="file:///etc/passwd"></object>
    <embed src="file:///etc/passwd">
    <link rel="stylesheet" href="file:///etc/passwd">
    </body></html>`;
}

describe('the printer keeps Chromium off the network', () => {
  let printer: ChromiumPrinter;
  const canaries: Canary[] = [];

  beforeAll(async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const canary = await startCanary(host);
      if (canary) canaries.push(canary);
    }
    // As in Lambda, where the runtime puts the role's credentials in the environment.
    process.env.AWS_SESSION_TOKEN = 'lockdown-test-session-token';
    try {
      printer = await launchPrinter();
      await printer.warmUp();
    } finally {
      delete process.env.AWS_SESSION_TOKEN;
    }
  });

  afterAll(async () => {
    await printer?.close();
    for (const canary of canaries) canary.server.close();
  });

  it('fetches nothing over the network and reads no local file, whatever the HTML asks for', async () => {
    // Prepare
    const v4 = canaries[0]?.port ?? 0;
    const v6Port = canaries[1]?.port;
    const origins = [
      `http://127.0.0.1:${v4}`,
      `HTTP://127.0.0.1:${v4}`,
      `https://127.0.0.1:${v4}`,
      `//127.0.0.1:${v4}`,
      `http://localhost:${v4}`,
      `http://[::ffff:127.0.0.1]:${v4}`,
      `http://2130706433:${v4}`,
      `http://0x7f000001:${v4}`,
      `http://0177.0.0.1:${v4}`,
      `http://127.1:${v4}`,
      `http://0.0.0.0:${v4}`,
      ...(v6Port === undefined
        ? []
        : [`http://[::1]:${v6Port}`, `http://[::]:${v6Port}`, `http://localhost:${v6Port}`]),
    ];
    const wsOrigins = [
      `ws://127.0.0.1:${v4}`,
      ...(v6Port === undefined ? [] : [`ws://[::1]:${v6Port}`]),
    ];
    // The running header and footer are margin boxes: their images and backgrounds are fetches too.
    const marginBoxes = `<style>@page { @top-left { content: url(http://127.0.0.1:${v4}/header.png) }
      @bottom-left { content: "f"; background: url(http://127.0.0.1:${v4}/footer.png) } }</style>`;
    const html = everyFetch(origins, wsOrigins) + marginBoxes;

    // Act
    const printed = await printer.print({ html }).catch((error: unknown) => error);
    // A second print: whatever the first page queued (refresh, preconnects) has had its chance.
    await printer.print({ html: '<p>after</p>' });

    // Assess
    expect(canaries.map((c) => c.hits)).toEqual(canaries.map(() => 0));
    expect(printed).toBeInstanceOf(Uint8Array);
    const reading = await readPdf(printed as Uint8Array);
    expect(reading.text).toContain('LOCKDOWN-BODY');
    expect(reading.text).not.toContain('root:x:0:0');
    expect(reading.text).not.toContain('CANARY');
  });

  it("starts Chromium without the function's AWS credentials in its environment", () => {
    // Prepare
    const pid = printer.browserProcessId;
    const environ = `/proc/${pid}/environ`;
    if (pid === undefined || !existsSync(environ)) {
      console.warn('no /proc on this machine: the unit test of chromiumEnvironment covers it');
      return;
    }

    // Act
    const names = readFileSync(environ, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => entry.slice(0, entry.indexOf('=')));

    // Assess
    expect(names.filter((name) => name.startsWith('AWS_'))).toEqual([]);
    expect(names).toContain('PATH');
  });
});
