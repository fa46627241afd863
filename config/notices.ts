import { z } from 'zod';
import { defineSetting } from './define.ts';

// A value printed on a line of a legal notice: a newline or a bidi control in it could make a
// line of the notice read as something else, so they are refused at start rather than printed.
const NO_CONTROLS = /^[^\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]*$/;
const oneLine = (max: number) => z.string().trim().max(max).regex(NO_CONTROLS, 'must be one line without control characters');
// The address may have several lines: newlines or ';' separate them.
const ADDRESS_CHARS = /^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]*$/;
// RFC 5321 caps an address path at 256 octets, i.e. 254 characters of address.
const MAX_EMAIL_CHARS = 254;

/**
 * Who sends takedown notices (src/notices). All empty by default: a draft then says
 * "[FILL IN: …]" where each value belongs, so nothing is sent with an element missing unnoticed.
 */
export const noticeSettings = {
  rightsHolder: defineSetting('COPYHOUND_NOTICE_RIGHTS_HOLDER', oneLine(200), '', 'Name of the copyright owner on whose behalf notices are sent.'),
  agentName: defineSetting('COPYHOUND_NOTICE_AGENT_NAME', oneLine(200), '', 'Name of the person authorized to act for the owner, who signs the notices.'),
  postalAddress: defineSetting(
    'COPYHOUND_NOTICE_POSTAL_ADDRESS',
    z.string().trim().max(500).regex(ADDRESS_CHARS, 'must not hold control characters other than newlines'),
    '',
    'Postal address of the complaining party; lines separated by newlines or ";".',
  ),
  email: defineSetting(
    'COPYHOUND_NOTICE_EMAIL',
    z.string().trim().pipe(z.email('must be an email address').max(MAX_EMAIL_CHARS)),
    '',
    'Email address at which the complaining party can be contacted.',
  ),
  phone: defineSetting('COPYHOUND_NOTICE_PHONE', oneLine(50), '', 'Telephone number of the complaining party.'),
  signature: defineSetting('COPYHOUND_NOTICE_SIGNATURE', oneLine(200), '', 'Electronic signature line of the signer, e.g. "/s/ Jane Doe".'),
  recipient: defineSetting(
    'COPYHOUND_NOTICE_RECIPIENT',
    oneLine(200),
    '',
    "Whom notices are addressed to; empty: the designated agent of the service provider hosting the copy.",
  ),
  // Only English: the statutory statements are drafted and reviewed in English.
  language: defineSetting('COPYHOUND_NOTICE_LANGUAGE', z.literal('en'), 'en' as const, 'Language of drafted notices; only "en" is supported.'),
};
