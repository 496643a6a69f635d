import { describe, expect, it } from 'vitest'
import { buildFunnelReport, funnelReportCsv, type FunnelInputs } from './funnel-report.ts'

const FROM = Date.parse('2026-12-01T00:00:00Z')
const TO = Date.parse('2026-12-02T00:00:00Z')
const none: FunnelInputs = { shares: [], previews: [], clicks: [], arrivals: [] }

describe('buildFunnelReport', () => {
  it.each([
    {
      name: 'nothing happened: zeros and no virality',
      input: none,
      expected: {
        shares: { total: 0, byChannel: {} },
        sharesSeen: { total: 0, byApp: {}, nativeByApp: {} },
        clicks: { total: 0, dark: 0, public: 0, byMedium: {} },
        addressBar: { arrivals: 0, byGeneration: {} },
        arrivals: {
          total: 0,
          dark: 0,
          public: 0,
          viaShortLink: 0,
          viaAddressBar: 0,
          unattributed: 0,
          byMedium: {},
          byApp: {},
        },
        virality: null,
      },
    },
    {
      name: 'shares by channel, previews by app (native resolved), clicks split dark/public',
      input: {
        ...none,
        shares: [
          { channel: 'whatsapp', n: 3 },
          { channel: 'native', n: 2 },
          { channel: 'whatsapp', n: 1 },
          { channel: 'copy_text', n: 4 },
        ],
        previews: [
          { app: 'whatsapp', channel: 'whatsapp', n: 2 },
          { app: 'telegram', channel: 'native', n: 1 },
          { app: '', channel: 'copy', n: 1 },
        ],
        clicks: [
          { medium: 'direct', visibility: 'dark', n: 5 },
          { medium: 'social', visibility: 'public', n: 2 },
          { medium: 'in_app', visibility: 'dark', n: 1 },
        ],
      },
      expected: {
        shares: { total: 10, byChannel: { whatsapp: 4, native: 2, copy_text: 4 } },
        sharesSeen: { total: 4, byApp: { whatsapp: 2, telegram: 1, unknown: 1 }, nativeByApp: { telegram: 1 } },
        clicks: { total: 8, dark: 6, public: 2, byMedium: { direct: 5, social: 2, in_app: 1 } },
        virality: 0.8,
      },
    },
    {
      name: 'arrivals by source; address-bar arrivals by generation count towards virality',
      input: {
        ...none,
        shares: [{ channel: 'copy', n: 2 }],
        clicks: [{ medium: 'direct', visibility: 'dark', n: 1 }],
        arrivals: [
          { medium: 'direct', app: '', visibility: 'dark', source: 'via_short_link', generation: 0, n: 1 },
          { medium: 'direct', app: '', visibility: 'dark', source: 'address_bar', generation: 1, n: 2 },
          { medium: 'in_app', app: 'instagram', visibility: 'dark', source: 'address_bar', generation: 2, n: 1 },
          { medium: 'direct', app: '', visibility: 'dark', source: 'unattributed', generation: 0, n: 4 },
          { medium: 'search', app: 'google', visibility: 'public', source: 'public', generation: 0, n: 3 },
        ],
      },
      expected: {
        addressBar: { arrivals: 3, byGeneration: { '1': 2, '2': 1 } },
        arrivals: {
          total: 11,
          dark: 8,
          public: 3,
          viaShortLink: 1,
          viaAddressBar: 3,
          unattributed: 4,
          byMedium: { direct: 7, in_app: 1, search: 3 },
          byApp: { instagram: 1, google: 3 },
        },
        virality: 2,
      },
    },
  ])('$name', ({ input, expected }) => {
    const report = buildFunnelReport(FROM, TO, input as FunnelInputs)
    expect(report).toMatchObject({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z', ...expected })
  })
})

describe('funnelReportCsv', () => {
  it('puts every number on a section,key,value row, formula-looking keys made inert', () => {
    const report = buildFunnelReport(FROM, TO, {
      ...none,
      shares: [{ channel: 'x', n: 2 }],
      previews: [{ app: '=cmd', channel: 'x', n: 1 }],
    })
    const lines = funnelReportCsv(report).split('\r\n')
    expect(lines[0]).toBe('section,key,value')
    expect(lines).toContain('shares,total,2')
    expect(lines).toContain('shares.byChannel,x,2')
    expect(lines).toContain("sharesSeen.byApp,'=cmd,1")
    expect(lines).toContain('addressBar,arrivals,0')
    expect(lines).toContain('virality,,0')
    expect(lines.at(-1)).toBe('')
  })
})
