import { describe, expect, it } from 'vitest';
import { noticeSettings } from '../../config/notices.ts';
import { buildDefaultSettings } from './notice-fixtures.ts';

describe('noticeSettings', () => {
  it('has one COPYHOUND_NOTICE_* variable per value, all empty by default but the fixed language', () => {
    expect(Object.values(noticeSettings).map((s) => s.env)).toEqual([
      'COPYHOUND_NOTICE_RIGHTS_HOLDER',
      'COPYHOUND_NOTICE_AGENT_NAME',
      'COPYHOUND_NOTICE_POSTAL_ADDRESS',
      'COPYHOUND_NOTICE_EMAIL',
      'COPYHOUND_NOTICE_PHONE',
      'COPYHOUND_NOTICE_SIGNATURE',
      'COPYHOUND_NOTICE_RECIPIENT',
      'COPYHOUND_NOTICE_LANGUAGE',
    ]);
    expect(buildDefaultSettings()).toEqual({
      rightsHolder: '',
      agentName: '',
      postalAddress: '',
      email: '',
      phone: '',
      signature: '',
      recipient: '',
      language: 'en',
    });
  });

  it('accepts real values and refuses what would corrupt a notice line', () => {
    expect(noticeSettings.rightsHolder.schema.parse('  Daily Ledger Media Ltd ')).toBe('Daily Ledger Media Ltd');
    expect(noticeSettings.postalAddress.schema.parse('1 Press Street\nSpringfield')).toBe('1 Press Street\nSpringfield');
    expect(noticeSettings.email.schema.parse('rights@dailyledger.example')).toBe('rights@dailyledger.example');
    expect(noticeSettings.email.schema.safeParse('not an address').success).toBe(false);
    expect(noticeSettings.agentName.schema.safeParse('Jane\nElement (vi): forged').success).toBe(false);
    expect(noticeSettings.signature.schema.safeParse('/s/ Jane\u202e Doe').success).toBe(false);
    expect(noticeSettings.rightsHolder.schema.safeParse('x'.repeat(201)).success).toBe(false);
    expect(noticeSettings.language.schema.parse('en')).toBe('en');
    expect(noticeSettings.language.schema.safeParse('de').success).toBe(false);
  });
});
