import { describe, expect, it } from 'vitest';
import { sesEventsOf } from '../../functions/handlers/delivery-status.ts';
import { parseDownloadPath } from '../../functions/handlers/download.ts';
import { parseSesEvent } from '../../functions/pipeline/delivery-status.ts';
import { hasDeliveryTexts } from '../../functions/pipeline/delivery-templates.ts';
import { hashToken, isWellFormedToken, newToken } from '../../functions/pipeline/links.ts';
import { type Locale, loadLocales } from '../../functions/render/locales.ts';

describe('download paths and tokens', () => {
  it('reads the token and the document id, with or without a stage prefix', () => {
    expect(parseDownloadPath('/d/abc')).toEqual({ token: 'abc' });
    expect(parseDownloadPath('/d/abc/doc_1')).toEqual({ token: 'abc', documentId: 'doc_1' });
    expect(parseDownloadPath('/prod/d/abc/doc_1')).toEqual({ token: 'abc', documentId: 'doc_1' });
    expect(parseDownloadPath('/d/abc/doc_1/more')).toBeUndefined();
    expect(parseDownloadPath('/other')).toBeUndefined();
  });

  it('makes 256-bit base64url tokens and stores only their SHA-256', () => {
    const { token, tokenHash } = newToken();

    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(isWellFormedToken(token)).toBe(true);
    expect(tokenHash).toBe(hashToken(token));
    expect(tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken().token).not.toBe(token);
  });
});

describe('SES events', () => {
  const bounce = {
    eventType: 'Bounce',
    bounce: { bounceType: 'Permanent' },
    mail: { messageId: 'm-1', tags: { 'delivery-id': ['dlv_1'] } },
  };

  it('reads an event published through SNS', () => {
    const events = sesEventsOf({
      Records: [{ Sns: { Message: JSON.stringify(bounce) } }],
    } as never);

    expect(events.map(parseSesEvent)).toEqual([
      {
        type: 'Bounce',
        rawType: 'Bounce',
        messageId: 'm-1',
        deliveryId: 'dlv_1',
        bounceType: 'Permanent',
        timestamp: undefined,
      },
    ]);
  });

  it('reads an event delivered by EventBridge and an identity notification', () => {
    const fromEventBridge = sesEventsOf({
      'detail-type': 'Email Delivered',
      detail: { ...bounce, eventType: 'Delivery' },
    } as never);
    const notification = parseSesEvent({
      notificationType: 'Complaint',
      mail: { messageId: 'm-2', tags: {} },
    });

    expect(parseSesEvent(fromEventBridge[0])?.type).toBe('Delivery');
    expect(notification).toMatchObject({ type: 'Complaint', messageId: 'm-2' });
    expect(notification?.deliveryId).toBeUndefined();
  });
});

describe('locales for delivery', () => {
  it('uses a locale for messages only when it carries every delivery text', () => {
    const english = loadLocales().get('en') as Locale;
    const { email: _email, ...withoutEmail } = english;

    expect(hasDeliveryTexts(english)).toBe(true);
    expect(hasDeliveryTexts({ ...withoutEmail, locale: 'xx' } as unknown as Locale)).toBe(false);
  });
});
