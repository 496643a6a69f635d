import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueEmail } from '../../test/support/people.ts'
import { auth, eventually, startTestApp, type TestApp } from '../../test/support/test-app.ts'

/** Invitations and password links by mail, through a real SMTP server started here (the sink keeps what it gets). */
const received: { to: string[]; body: string }[] = []
let sink: SMTPServer
let t: TestApp

beforeAll(async () => {
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, done) {
      let body = ''
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()))
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), body })
        done()
      })
    },
  })
  const port = await new Promise<number>((resolve) =>
    sink.listen(0, '127.0.0.1', () => resolve((sink.server.address() as { port: number }).port)),
  )
  t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'Umbra <umbra@team.example>' })
})
afterAll(async () => {
  await t.close()
  await new Promise<void>((resolve) => sink.close(() => resolve()))
})

describe('mail, when SMTP_URL is set', () => {
  it('sends the invitation link to the invited address, and still shows it to the inviter', async () => {
    const email = uniqueEmail('mailed')
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/members/invitations',
      headers: auth,
      payload: { email, role: 'editor' },
    })
    expect(res.statusCode).toBe(201)
    const { url, emailed } = res.json()
    expect(emailed).toBe(true)
    const mail = await eventually(async () => received.find((m) => m.to.includes(email)))
    // quoted-printable may fold the long link: unfold soft line breaks first
    const text = mail.body.replace(/=\r?\n/g, '').replace(/=3D/g, '=')
    expect(text).toContain(url)
    expect(text).toMatch(/^From: Umbra <umbra@team\.example>/m)
  })
})
