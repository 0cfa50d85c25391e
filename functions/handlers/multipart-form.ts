/**
 * The fields of a `multipart/form-data` body (RFC 7578), as the verification page's upload
 * form sends it: each part's name and bytes. Only what a browser sends for a form is read;
 * anything else (no boundary, a part without a name) is not a form.
 */

/** One field: its name, its file name when it is a file, and its bytes. */
export interface FormPart {
  name: string;
  fileName?: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data` content type, or undefined. */
export function formBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');

/** The parts of `body`; undefined when it is not a well-formed form with that boundary. */
export function parseMultipartForm(body: Buffer, boundary: string): FormPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (;;) {
    at += delimiter.length;
    // `--` after a delimiter closes the form.
    if (body.subarray(at, at + 2).toString('latin1') === '--') return parts;
    if (body.subarray(at, at + 2).toString('latin1') !== '\r\n') return undefined;
    const headerEnd = body.indexOf(CRLF_CRLF, at);
    if (headerEnd < 0) return undefined;
    const headers = body.subarray(at + 2, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) return undefined;
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    const fileName = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({
      name,
      ...(fileName !== undefined ? { fileName } : {}),
      data: body.subarray(headerEnd + 4, next),
    });
    at = next + 2;
  }
}
