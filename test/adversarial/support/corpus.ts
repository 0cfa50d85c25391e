/**
 * The hostile-text corpus: markup, styles, scripts, URLs and template expressions that try to
 * make the renderer fetch something (aimed at canary servers on loopback), read a local file,
 * or evaluate a Handlebars expression. Every payload is plain text to the pipeline: it must come
 * out literally in the PDF's text.
 */

/** Where the payloads aim: canary servers on loopback (any request reaching them is a leak). */
export interface Targets {
  /** Port of the IPv4 canary on 127.0.0.1. */
  v4: number;
  /** Port of the IPv6 canary on ::1, when the machine has IPv6 loopback. */
  v6?: number;
  /** Port of a loopback server that answers every request with a redirect to the v4 canary. */
  redirect: number;
}

/** One payload and what it tries. */
export interface Payload {
  kind: string;
  text: string;
  /** A Handlebars expression: evaluated if its literal text is missing from the PDF. */
  handlebars: boolean;
}

/** The local files payloads try to read (their content must never be in a PDF). */
export const LOCAL_FILES = ['/etc/passwd', '/etc/hostname'];

/** Every way of writing the loopback canary's address we try. */
function origins(t: Targets): string[] {
  return [
    `http://127.0.0.1:${t.v4}`,
    `HTTP://127.0.0.1:${t.v4}`,
    `hTtPs://127.0.0.1:${t.v4}`,
    `//127.0.0.1:${t.v4}`,
    `http://localhost:${t.v4}`,
    `http://LOCALHOST:${t.v4}`,
    `http://[::ffff:127.0.0.1]:${t.v4}`,
    `http://[::ffff:7f00:1]:${t.v4}`,
    `http://2130706433:${t.v4}`,
    `http://0x7f000001:${t.v4}`,
    `http://0x7f.0x0.0x0.0x1:${t.v4}`,
    `http://0177.0.0.1:${t.v4}`,
    `http://127.1:${t.v4}`,
    `http://0.0.0.0:${t.v4}`,
    `http://127.0.0.1.nip.io:${t.v4}`,
    `http://127.0.0.1:${t.redirect}`,
    `http://localhost:${t.redirect}`,
    ...(t.v6 === undefined ? [] : [`http://[::1]:${t.v6}`, `http://[0:0:0:0:0:0:0:1]:${t.v6}`]),
  ];
}

/** Markup and styles that fetch `url` when rendered as HTML. */
function fetchingMarkup(url: string): [string, string][] {
  return [
    ['img', `<img src="${url}/img.png">`],
    ['img-onerror', `<img src=x onerror="fetch('${url}/onerror')">`],
    ['iframe', `<iframe src="${url}/frame.html"></iframe>`],
    ['object', `<object data="${url}/object.pdf"></object>`],
    ['embed', `<embed src="${url}/embed.swf">`],
    ['link-stylesheet', `<link rel="stylesheet" href="${url}/style.css">`],
    ['css-url', `<div style="background:url('${url}/bg.png')">x</div>`],
    ['css-import', `<style>@import url("${url}/import.css");</style>`],
    [
      'css-font-face',
      `<style>@font-face{font-family:L;src:url(${url}/f.woff2)}p{font-family:L}</style>`,
    ],
    ['srcset', `<img srcset="${url}/a.png 1x, ${url}/b.png 2x">`],
    ['svg-image', `<svg><image href="${url}/svg.png" width="9" height="9"/></svg>`],
    ['svg-use', `<svg><use href="${url}/sprite.svg#i"/></svg>`],
    ['meta-refresh', `<meta http-equiv="refresh" content="0;url=${url}/refresh">`],
    ['video-poster', `<video poster="${url}/poster.png" src="${url}/v.mp4"></video>`],
    ['script-src', `<script src="${url}/s.js"></script>`],
    ['script-fetch', `<script>fetch('${url}/fetch')</script>`],
    [
      'script-xhr',
      `<script>var x=new XMLHttpRequest();x.open('GET','${url}/xhr');x.send()</script>`,
    ],
    ['script-worker', `<script>new Worker('${url}/w.js')</script>`],
    ['script-service-worker', `<script>navigator.serviceWorker.register('${url}/sw.js')</script>`],
  ];
}

/** Everything, for the given targets: at least 200 payloads. */
export function hostilePayloads(t: Targets): Payload[] {
  const payloads: Payload[] = [];
  const add = (kind: string, text: string, handlebars = false) =>
    payloads.push({ kind, text, handlebars });
  const all = origins(t);
  // Every markup kind aimed at the plain IPv4 canary and the redirecting server.
  for (const base of [`http://127.0.0.1:${t.v4}`, `http://127.0.0.1:${t.redirect}`]) {
    for (const [kind, text] of fetchingMarkup(base)) add(kind, text);
  }
  // Every spelling of the address, through the three commonest vectors.
  for (const origin of all) {
    add('img-address', `<img src="${origin}/i.png">`);
    add('css-address', `<p style="background-image:url(${origin}/c.png)">c</p>`);
    add('iframe-address', `<iframe src="${origin}/f"></iframe>`);
  }
  const ws = [`ws://127.0.0.1:${t.v4}`, `WS://127.0.0.1:${t.v4}`, `wss://127.0.0.1:${t.v4}`];
  if (t.v6 !== undefined) ws.push(`ws://[::1]:${t.v6}`);
  for (const url of ws) add('script-websocket', `<script>new WebSocket('${url}/ws')</script>`);
  // Local files, every scheme spelling and vector.
  for (const file of LOCAL_FILES) {
    for (const scheme of ['file://', 'FILE://', 'File://', 'file:', 'file://localhost']) {
      const url = `${scheme}${file}`;
      add('file-iframe', `<iframe src="${url}"></iframe>`);
      add('file-object', `<object data="${url}"></object>`);
      add('file-embed', `<embed src="${url}">`);
      add('file-link', `<link rel="stylesheet" href="${url}">`);
    }
    add('file-img', `<img src="file://${file}">`);
    add('file-css', `<style>body{background:url(file://${file})}</style>`);
    add('file-import', `<style>@import "file://${file}";</style>`);
    add('file-svg', `<svg><image href="file://${file}"/></svg>`);
    add(
      'file-fetch',
      `<script>fetch('file://${file}').then(r=>r.text()).then(t=>document.write(t))</script>`,
    );
    add(
      'file-xhr',
      `<script>x=new XMLHttpRequest;x.open('GET','file://${file}',false);x.send();document.write(x.responseText)</script>`,
    );
  }
  // Breaking out of the element or attribute the text is placed in.
  add('breakout', `</p></td></tr></table><img src="http://127.0.0.1:${t.v4}/breakout.png">`);
  add('breakout-attr', `" onload="fetch('http://127.0.0.1:${t.v4}/attr')" x="`);
  add('breakout-attr-single', `' style='background:url(http://127.0.0.1:${t.v4}/sq.png)' x='`);
  add('breakout-style', `</style><img src="http://127.0.0.1:${t.v4}/style-breakout.png">`);
  add('breakout-title', `</title><img src="http://127.0.0.1:${t.v4}/title.png">`);
  add('breakout-comment', `--><img src="http://127.0.0.1:${t.v4}/comment.png"><!--`);
  add('breakout-cdata', `]]><img src="http://127.0.0.1:${t.v4}/cdata.png">`);
  add('entity', `&lt;img src=&quot;http://127.0.0.1:${t.v4}/entity.png&quot;&gt;`);
  add('base', `<base href="http://127.0.0.1:${t.v4}/base/"><img src="rel.png">`);
  add('javascript-url', `<a href="javascript:fetch('http://127.0.0.1:${t.v4}/js')">link</a>`);
  add(
    'data-url-html',
    `<iframe src="data:text/html,<img src=http://127.0.0.1:${t.v4}/d.png>"></iframe>`,
  );
  add('math', `<math><mtext><img src="http://127.0.0.1:${t.v4}/math.png"></mtext></math>`);
  add('noscript', `<noscript><img src="http://127.0.0.1:${t.v4}/noscript.png"></noscript>`);
  add('template', `<template><img src="http://127.0.0.1:${t.v4}/tpl.png"></template>`);
  add('link-prefetch', `<link rel="prefetch" href="http://127.0.0.1:${t.v4}/prefetch">`);
  add('link-preconnect', `<link rel="preconnect" href="http://127.0.0.1:${t.v4}">`);
  add('audio', `<audio src="http://127.0.0.1:${t.v4}/a.mp3" autoplay></audio>`);
  add('input-image', `<input type="image" src="http://127.0.0.1:${t.v4}/input.png">`);
  add('form-action', `<form action="http://127.0.0.1:${t.v4}/form"><button>go</button></form>`);
  add('beacon', `<script>navigator.sendBeacon('http://127.0.0.1:${t.v4}/beacon')</script>`);
  add('event-source', `<script>new EventSource('http://127.0.0.1:${t.v4}/es')</script>`);
  add('shared-worker', `<script>new SharedWorker('http://127.0.0.1:${t.v4}/sw.js')</script>`);
  add('import-script', `<script type="module">import('http://127.0.0.1:${t.v4}/m.js')</script>`);
  add('unicode-escape', `\u003cimg src="http://127.0.0.1:${t.v4}/u.png"\u003e`);
  add('fullwidth', `＜img src="http://127.0.0.1:${t.v4}/fw.png"＞`);
  add('null-byte', `<im\u0000g src="http://127.0.0.1:${t.v4}/nul.png">`);
  add('bidi', `\u202e<img src="http://127.0.0.1:${t.v4}/bidi.png">\u202c`);
  // Handlebars: a district's text is data, never a template.
  const hbs = [
    `{{constructor.constructor 'return process'}}`,
    `{{#with "s" as |string|}}{{#with string.constructor}}{{this}}{{/with}}{{/with}}`,
    `{{#with this}}{{lookup this "constructor"}}{{/with}}`,
    `{{> partial}}`,
    `{{> letterhead}}`,
    `{{lookup . "__proto__"}}`,
    `{{{student.firstName}}}`,
    `{{student.firstName}}`,
    `{{@root.student.dateOfBirth}}`,
    `{{#each this}}{{@key}}{{/each}}`,
    `{{#if true}}HBS-EVALUATED{{/if}}`,
    `{{log "HBS-EVALUATED"}}`,
    `{{this.constructor.name}}`,
    `{{__proto__.polluted}}`,
    `{{! comment that would vanish }}`,
    `{{#unless false}}HBS-EVALUATED{{/unless}}`,
    `{{blockHelperMissing "x"}}`,
    `{{helperMissing}}`,
    `\\{{escaped}}`,
    `{{=<% %>=}}`,
    `{{#with (lookup this "constructor") as |c|}}{{c.name}}{{/with}}`,
    `{{{{raw}}}} {{x}} {{{{/raw}}}}`,
  ];
  for (const text of hbs) add('handlebars', text, true);
  // Prototype-pollution strings as text (keys are tested separately).
  add('proto-text', `{"__proto__":{"polluted":"yes"}}`);
  add('proto-text-constructor', `{"constructor":{"prototype":{"polluted":"yes"}}}`);
  return payloads;
}
