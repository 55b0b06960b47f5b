import t from 'tap'
import { remembered } from '../../src/negotiate/remembered.js'

t.test('a result is computed once per key, and no more than `size` keys are remembered, the oldest forgotten first', async t => {
  const computed: string[] = []
  const length = remembered((key: string) => {
    computed.push(key)
    return key === 'none' ? null : key.length
  }, 2)
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
