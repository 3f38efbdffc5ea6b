import { describe, expect, it } from 'vitest';
import { relativeTimeOperand } from '../../src/query/parse/relative-time.ts';

const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const at = (text: string, op: 'lt' | 'gt' = 'lt') => relativeTimeOperand({ $relativeTime: text }, op, 'Date', NOW).iso;
const refused = (text: unknown, op: 'lt' | 'eq' | 'ne' = 'lt', type = 'Date') => {
  try {
    relativeTimeOperand({ $relativeTime: text }, op, type, NOW);
  } catch (error) {
    return { code: (error as { code: number }).code, message: (error as Error).message };
  }
  return undefined;
};

describe("Parse's $relativeTime", () => {
  it('reads past, future and now, in every unit spelling, case and spacing aside', () => {
    expect(at('now')).toBe('2026-06-15T12:00:00.000Z');
    expect(at('1 day ago')).toBe('2026-06-14T12:00:00.000Z');
    expect(at('in 1 hr 30 min')).toBe('2026-06-15T13:30:00.000Z');
    expect(at('In  2 Weeks')).toBe('2026-06-29T12:00:00.000Z');
    expect(at('1 yr 1 wk 1 d 1 hrs 1 mins 1 secs ago')).toBe(new Date(NOW - (31_536_000 + 604_800 + 86_400 + 3_600 + 60 + 1) * 1000).toISOString());
    expect(at('in 0 seconds', 'gt')).toBe('2026-06-15T12:00:00.000Z');
  });

  it('refuses what Parse refuses with 107 and its messages', () => {
    expect(refused('2 days')).toEqual({ code: 107, message: "bad $relativeTime (2 days) value. Time should either start with 'in' or end with 'ago'" });
    expect(refused('in 2 days ago')).toEqual({ code: 107, message: "bad $relativeTime (in 2 days ago) value. Time cannot have both 'in' and 'ago'" });
    expect(refused('in 2')).toEqual({ code: 107, message: 'bad $relativeTime (in 2) value. Invalid time string. Dangling unit or number.' });
    expect(refused('in 1.5 days')).toEqual({ code: 107, message: "bad $relativeTime (in 1.5 days) value. '1.5' is not an integer." });
    expect(refused('in 2 fortnights')).toEqual({ code: 107, message: "bad $relativeTime (in 2 fortnights) value. Invalid interval: 'fortnights'" });
    expect(refused('now', 'eq')).toEqual({ code: 107, message: '$relativeTime can only be used with the $lt, $lte, $gt, and $gte operators' });
    expect(refused('now', 'ne')?.code).toBe(107);
    expect(refused('now', 'lt', 'Number')).toEqual({ code: 107, message: '$relativeTime can only be used with Date field' });
    expect(refused(3)?.code).toBe(107);
    expect(refused('in 999999999999999 years')?.code).toBe(107);
  });
});
