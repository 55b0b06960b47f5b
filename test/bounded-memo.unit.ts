import t from 'tap'
import { boundedMemo } from '../src/bounded-memo.ts'

/** A remembered `key.length` (null for 'none'), and the keys it was computed for. */
function lengths (entries: number, longestKey: number): { length: (key: string) => number | null, computed: string[] } {
  const computed: string[] = []
  const length = boundedMemo((key: string) => {
    computed.push(key)
    return key === 'none' ? null : key.length
  }, { entries, longestKey })
  return { length, computed }
}

t.test('a result is computed once per key, and no more than `entries` keys are remembered, the oldest forgotten first', async t => {
  const { length, computed } = lengths(2, 100)
  t.equal(length('ab'), 2)
  t.equal(length('ab'), 2)
  t.equal(length('none'), null)
  t.equal(length('none'), null, 'null is a result too')
  t.same(computed, ['ab', 'none'])
  t.equal(length('abc'), 3, 'a third key: the oldest, ab, is forgotten')
  t.equal(length('none'), null)
  t.equal(length('ab'), 2)
  t.same(computed, ['ab', 'none', 'abc', 'ab'])
})

t.test('a key longer than `longestKey` is computed every time and takes no one\'s place', async t => {
  const { length, computed } = lengths(1, 3)
  t.equal(length('abc'), 3)
  t.equal(length('abcd'), 4)
  t.equal(length('abcd'), 4)
  t.equal(length('abc'), 3)
  t.same(computed, ['abc', 'abcd', 'abcd'])
})
