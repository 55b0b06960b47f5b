// src/quote.ts: how a value is repeated in a message or log line.
import t from 'tap'
import { quote } from '../src/quote.ts'

t.test('quoted, printable, unambiguous', async t => {
  t.equal(quote('english'), '"english"')
  t.equal(quote(''), '""')
  t.equal(quote('a\r\nb\u0000c\u2028d\u202ee\ud800f'), '"abcdef"',
    'controls, separators, bidi overrides and lone surrogates are dropped')
  t.equal(quote('a"b\\c'), '"a\\"b\\\\c"', 'a quote or backslash is escaped, so the quotes end where the value does')
  t.equal(quote('😀'.repeat(3)), '"😀😀😀"', 'characters are code points, not UTF-16 units')
})

t.test('at most `length` characters, 40 unless the caller says', async t => {
  t.equal(quote('x'.repeat(40)), `"${'x'.repeat(40)}"`)
  t.equal(quote('x'.repeat(41)), `"${'x'.repeat(40)}…"`)
  t.equal(quote('😀'.repeat(41)), `"${'😀'.repeat(40)}…"`)
  t.equal(quote('x'.repeat(101), 100), `"${'x'.repeat(100)}…"`)
  t.equal(quote('"'.repeat(3), 2), '"\\"\\"…"', 'counted before escaping')
  t.equal(quote(`x${'\u0000'.repeat(1 << 20)}`), '"x…"', 'only the start of a huge value is read; the cut shows')
})
