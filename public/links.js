// The link builder's progressive enhancement: answers without a page load and
// copy buttons. Without script the form submits to /links and the server
// renders the same result.
'use strict'

const form = document.getElementById('builder')
const roomInput = document.getElementById('room')
const error = document.getElementById('error')
const result = document.getElementById('result')
const disabledText = document.getElementById('disabled-text').textContent
const lang = form.elements.namedItem('lang').value

function show (answer) {
  document.getElementById('link').value = answer.link
  document.getElementById('snippet').value = answer.snippet
  for (const zone of ['internal', 'external']) {
    const target = answer.preview[zone]
    const cell = document.getElementById('preview-' + zone)
    // A retired room leads nowhere in every zone: its status says why.
    cell.textContent = target ?? (answer.status.kind === 'retired' ? answer.status.text : disabledText)
    cell.className = target === null ? 'disabled' : ''
  }
  document.getElementById('status').textContent = answer.status.text
  result.hidden = false
  error.hidden = true
  roomInput.setAttribute('aria-invalid', 'false')
}

async function build (params) {
  params.set('lang', lang)
  const response = await fetch('/links?' + params.toString(), { headers: { accept: 'application/json' } })
  const answer = await response.json()
  if (response.ok && answer !== null) {
    show(answer)
    history.replaceState(null, '', '/links?' + params.toString())
  } else if (!response.ok) {
    result.hidden = true
    error.textContent = answer.message
    error.hidden = false
    roomInput.setAttribute('aria-invalid', 'true')
  }
}

form.addEventListener('submit', event => {
  event.preventDefault()
  void build(new URLSearchParams({ room: roomInput.value }))
})

document.getElementById('new-room').addEventListener('click', event => {
  event.preventDefault()
  void build(new URLSearchParams({ new: '1' }))
})

for (const button of document.querySelectorAll('button.copy')) {
  button.hidden = !navigator.clipboard
  const label = button.textContent
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(document.getElementById(button.dataset.copy).value)
    button.textContent = button.dataset.copied
    setTimeout(() => { button.textContent = label }, 2000)
  })
}
