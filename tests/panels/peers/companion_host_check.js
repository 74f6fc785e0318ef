// Loads packaging/companion the way Bitfocus Companion loads a module: a child Node process with
// an IPC channel and MODULE_MANIFEST / CONNECTION_ID / VERIFICATION_TOKEN in its environment,
// speaking @companion-module/base's host protocol ("register", "init", "executeAction",
// "updateFeedbacks", "destroy" one way; definitions, variables, feedback values, status and log
// lines the other). Then it drives the real wall through the module and checks what Companion
// would show.
//   node companion_host_check.js MODULE_DIR API_PORT TOKEN PRESET_ID
// Exit 0 when every step was seen, 1 otherwise, 77 when the module's packages are missing.
const path = require('path')
const fs = require('fs')
const { fork } = require('child_process')

const [moduleDir, port, token, presetText] = process.argv.slice(2)
const preset = Number(presetText)
if (!fs.existsSync(path.join(moduleDir, 'node_modules', '@companion-module', 'base'))) {
	console.log('SKIP the module packages are not installed (npm ci in ' + moduleDir + ')')
	process.exit(77)
}
const manifestPath = path.join(moduleDir, 'companion', 'manifest.json')
const manifest = JSON.parse(fs.readFileSync(manifestPath))
const entry = path.join(path.dirname(manifestPath), manifest.runtime.entrypoint)

const child = fork(entry, [], {
	cwd: moduleDir,
	env: { ...process.env, MODULE_MANIFEST: manifestPath, CONNECTION_ID: 'opswall-1', VERIFICATION_TOKEN: 'check-123' },
	stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})

const seen = { status: [], actions: null, feedbacks: null, variables: {}, feedbackValues: {}, logs: [] }
let nextId = 1
const pending = new Map()
const waiters = []

function fail(why) {
	console.error('FAIL ' + why)
	console.error('status: ' + JSON.stringify(seen.status))
	console.error('variables: ' + JSON.stringify(seen.variables))
	console.error('feedbacks: ' + JSON.stringify(seen.feedbackValues))
	console.error('log: ' + seen.logs.join('\n  '))
	child.kill()
	process.exit(1)
}
setTimeout(() => fail('not done within 40 s'), 40000)

function call(name, payload) {
	const callbackId = nextId++
	child.send({ direction: 'call', name, payload: JSON.stringify(payload), callbackId })
	return new Promise((resolve, reject) => pending.set(callbackId, { resolve, reject }))
}

function until(what, test, ms = 10000) {
	if (test()) return Promise.resolve()
	return new Promise((resolve, reject) => {
		const w = { test, resolve }
		waiters.push(w)
		setTimeout(() => reject(new Error('never saw: ' + what)), ms)
	})
}
function poke() {
	for (const w of waiters.slice())
		if (w.test()) {
			waiters.splice(waiters.indexOf(w), 1)
			w.resolve()
		}
}

let registered
const registeredPromise = new Promise((r) => (registered = r))

child.on('message', (msg) => {
	if (msg.direction === 'response') {
		const p = pending.get(msg.callbackId)
		pending.delete(msg.callbackId)
		if (!p) return
		const data = msg.payload ? JSON.parse(msg.payload) : undefined
		if (msg.success) p.resolve(data)
		else p.reject(new Error(data && data.message ? data.message : JSON.stringify(data)))
		return
	}
	const payload = msg.payload ? JSON.parse(msg.payload) : undefined
	const answer = (value) => {
		if (msg.callbackId)
			child.send({ direction: 'response', callbackId: msg.callbackId, success: true, payload: JSON.stringify(value) })
	}
	switch (msg.name) {
		case 'register':
			if (payload.connectionId !== 'opswall-1' || payload.verificationToken !== 'check-123')
				fail('bad registration ' + JSON.stringify(payload))
			answer({})
			registered()
			break
		case 'set-status':
			seen.status.push(payload.status + (payload.message ? ' ' + payload.message : ''))
			break
		case 'setActionDefinitions':
			seen.actions = payload.actions.map((a) => a.id)
			break
		case 'setFeedbackDefinitions':
			seen.feedbacks = payload.feedbacks.map((f) => f.id)
			break
		case 'setVariableDefinitions':
			break
		case 'setVariableValues':
			for (const v of payload.newValues) seen.variables[v.id] = v.value
			break
		case 'updateFeedbackValues':
			for (const v of payload.values) seen.feedbackValues[v.id] = v.value
			break
		case 'log-message':
			seen.logs.push(payload.level + ' ' + payload.message)
			break
		default:
			answer(undefined)
	}
	poke()
})

function feedback(id, feedbackId, options) {
	return { id, controlId: 'bank:' + id, feedbackId, options, disabled: false, upgradeIndex: null, isInverted: false }
}
function execute(actionId, options) {
	return call('executeAction', {
		action: { id: 'a-' + actionId, controlId: 'bank:9', actionId, options, disabled: false, upgradeIndex: null },
		surfaceId: undefined,
	})
}

;(async () => {
	await registeredPromise
	await call('init', {
		label: 'opswall',
		isFirstInit: false,
		config: { host: '127.0.0.1', port: Number(port), tls: false, token },
		secrets: {},
		lastUpgradeIndex: -1,
		feedbacks: {
			fbPreset: feedback('fbPreset', 'active_preset', { preset }),
			fbLock: feedback('fbLock', 'locked', {}),
		},
		actions: {},
	})
	// As Companion does after init: the feedbacks on its buttons, which the module then evaluates.
	await call('updateFeedbacks', {
		feedbacks: {
			fbPreset: feedback('fbPreset', 'active_preset', { preset }),
			fbLock: feedback('fbLock', 'locked', {}),
		},
	})
	await until('status ok', () => seen.status.includes('ok'))
	for (const a of ['recall_preset', 'briefing_next', 'briefing_previous', 'blank', 'audio_mute', 'audio_unmute', 'lock', 'unlock'])
		if (!seen.actions || !seen.actions.includes(a)) fail('action ' + a + ' not defined')
	for (const f of ['active_preset', 'locked', 'alerts', 'briefing_step'])
		if (!seen.feedbacks || !seen.feedbacks.includes(f)) fail('feedback ' + f + ' not defined')
	console.log('initialised: ' + seen.actions.length + ' actions, ' + seen.feedbacks.length + ' feedbacks')

	// A button press in Companion: recall the preset; the wall changes, the feedback lights.
	await execute('recall_preset', { preset })
	await until('active_preset = ' + preset, () => seen.variables.active_preset === preset)
	await until('feedback fbPreset true', () => seen.feedbackValues.fbPreset === true)
	console.log('recall: active_preset=' + seen.variables.active_preset + ' name=' + seen.variables.active_preset_name)

	await execute('lock', { minutes: 1, reason: 'companion' })
	await until('locked', () => seen.variables.locked === true && seen.feedbackValues.fbLock === true)
	console.log('locked by ' + seen.variables.lock_holder)
	await execute('unlock', {})
	await until('unlocked', () => seen.variables.locked === false && seen.feedbackValues.fbLock === false)
	console.log('unlocked')

	await call('destroy', {})
	child.kill()
	console.log('OK')
	process.exit(0)
})().catch((e) => fail(e.message))
