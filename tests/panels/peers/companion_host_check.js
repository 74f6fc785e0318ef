// Loads packaging/companion the way Bitfocus Companion loads a module and drives the real wall
// through it. The host side is built on what Companion itself uses from the module's own
// @companion-module/base package (not a reimplementation of the protocol):
//   - validateManifest (the package's manifest schema check Companion's module scanner runs);
//   - IpcWrapper from dist/host-api/ipc-wrapper.js, the EJSON call/response channel Companion's
//     connection handler talks through ("register", "init", "upgradeActionsAndFeedbacks",
//     "updateFeedbacks", "updateActions", "executeAction", "getConfigFields",
//     "updateConfigAndLabel", "destroy" one way; definitions, variables, feedback values,
//     status and log lines the other).
// The child is started as Companion 3/4 starts a nodejs-ipc module: `node companion/<entrypoint>`
// (not fork), cwd the module folder, stdio [pipe, pipe, pipe, ipc], CONNECTION_ID,
// VERIFICATION_TOKEN (random per start) and MODULE_MANIFEST=companion/manifest.json; the
// registration is refused unless the token matches and the api version parses.
//   node companion_host_check.js MODULE_DIR API_PORT TOKEN PRESET_ID
// Exit 0 when every step was seen, 1 otherwise, 77 when the module's packages are missing.
const path = require('path')
const fs = require('fs')
const crypto = require('crypto')
const { spawn } = require('child_process')
const { createRequire } = require('module')

const [moduleDir, port, token, presetText] = process.argv.slice(2)
const preset = Number(presetText)
if (!fs.existsSync(path.join(moduleDir, 'node_modules', '@companion-module', 'base'))) {
	console.log('SKIP the module packages are not installed (npm ci in ' + moduleDir + ')')
	process.exit(77)
}
// The module's own copy of the package: the host pieces Companion imports from it.
const moduleRequire = createRequire(path.join(moduleDir, 'package.json'))
const base = moduleRequire('@companion-module/base')
const { IpcWrapper } = moduleRequire('@companion-module/base/dist/host-api/ipc-wrapper.js')
const basePackage = moduleRequire('@companion-module/base/package.json')

const manifestRel = path.join('companion', 'manifest.json')
const manifest = JSON.parse(fs.readFileSync(path.join(moduleDir, manifestRel)))
base.validateManifest(manifest, false)
if (manifest.runtime.api !== 'nodejs-ipc') throw new Error('runtime.api is not nodejs-ipc')
const entry = path.join('companion', manifest.runtime.entrypoint)
if (!fs.existsSync(path.join(moduleDir, entry))) throw new Error('entrypoint missing: ' + entry)

const connectionId = 'opswall-' + crypto.randomBytes(3).toString('hex')
const verificationToken = crypto.randomBytes(12).toString('base64url')
const child = spawn(process.execPath, [entry], {
	cwd: moduleDir,
	env: { ...process.env, CONNECTION_ID: connectionId, VERIFICATION_TOKEN: verificationToken, MODULE_MANIFEST: manifestRel },
	stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
})
const childOutput = []
child.stdout.on('data', (d) => childOutput.push('stdout: ' + d.toString().trim()))
child.stderr.on('data', (d) => childOutput.push('stderr: ' + d.toString().trim()))

// What Companion would show: status, definitions, variables, feedback values, the module's log.
const seen = { status: [], actions: null, feedbacks: null, variableDefs: null, variables: {}, feedbackValues: {}, logs: [] }
const waiters = []

function fail(why) {
	console.error('FAIL ' + why)
	console.error('status: ' + JSON.stringify(seen.status))
	console.error('variables: ' + JSON.stringify(seen.variables))
	console.error('feedbacks: ' + JSON.stringify(seen.feedbackValues))
	console.error('log: ' + seen.logs.join('\n  '))
	console.error('module output:\n  ' + childOutput.join('\n  '))
	child.kill()
	process.exit(1)
}
setTimeout(() => fail('not done within 60 s'), 60000)

function until(what, test, ms = 10000) {
	if (test()) return Promise.resolve()
	return new Promise((resolve, reject) => {
		waiters.push({ test, resolve })
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
// Each handler is one of ModuleToHostEventsV0 (plus "register"); the IpcWrapper answers calls.
function on(fn) {
	return async (msg) => {
		const r = fn(msg)
		poke()
		return r
	}
}

let registered
const registeredPromise = new Promise((r) => (registered = r))
const ipc = new IpcWrapper(
	{
		register: on((msg) => {
			if (msg.verificationToken !== verificationToken || msg.connectionId !== connectionId)
				fail('registration with a wrong token or id: ' + JSON.stringify(msg))
			// A dev module (manifest apiVersion 0.0.0) reports its base package's version.
			if (msg.apiVersion !== basePackage.version)
				fail(`api version ${msg.apiVersion}, expected ${basePackage.version}`)
			// As Companion does: answer the registration first, then call init (the module reads
			// the answer on a one-shot listener of its entrypoint).
			setImmediate(registered)
			return {}
		}),
		'set-status': on((msg) => seen.status.push(msg.status + (msg.message ? ' ' + msg.message : ''))),
		'log-message': on((msg) => seen.logs.push(msg.level + ' ' + msg.message)),
		setActionDefinitions: on((msg) => (seen.actions = msg.actions.map((a) => a.id))),
		setFeedbackDefinitions: on((msg) => (seen.feedbacks = msg.feedbacks.map((f) => f.id))),
		setVariableDefinitions: on((msg) => {
			seen.variableDefs = msg.variables.map((v) => v.id)
			for (const v of msg.newValues || []) seen.variables[v.id] = v.value
		}),
		setPresetDefinitions: on(() => undefined),
		setVariableValues: on((msg) => {
			for (const v of msg.newValues) seen.variables[v.id] = v.value
		}),
		updateFeedbackValues: on((msg) => {
			for (const v of msg.values) seen.feedbackValues[v.id] = v.value
		}),
		saveConfig: on((msg) => (seen.savedConfig = msg.config)),
		parseVariablesInString: on((msg) => ({ text: msg.text, variableIds: [] })),
		upgradedItems: on(() => undefined),
		recordAction: on(() => undefined),
		setCustomVariable: on(() => undefined),
	},
	(msg) => child.send(msg),
	5000
)
child.on('message', (msg) => ipc.receivedMessage(msg))
child.on('exit', (code, signal) => {
	if (!finished) fail(`module exited early (${code ?? signal})`)
})
let finished = false

function feedback(id, feedbackId, options) {
	return { id, controlId: 'bank:1/' + id, feedbackId, options, disabled: false, upgradeIndex: null, isInverted: false, image: { width: 72, height: 58 } }
}
function action(id, actionId, options) {
	return { id, controlId: 'bank:1/' + id, actionId, options, disabled: false, upgradeIndex: null }
}
const config = { host: '127.0.0.1', port: Number(port), tls: false, token }
let nextAction = 1
function execute(actionId, options) {
	return ipc.sendWithCb('executeAction', { action: action('run' + nextAction++, actionId, options), surfaceId: 'streamdeck:test' })
}

// The wall itself, for setting up what the module then steps through (a briefing) and tidying.
async function wall(method, p, body) {
	const res = await fetch(`http://127.0.0.1:${port}/api/v1${p}`, {
		method,
		headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	})
	const text = await res.text()
	if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`)
	return text ? JSON.parse(text) : {}
}

;(async () => {
	await registeredPromise
	const initAnswer = await ipc.sendWithCb(
		'init',
		{ label: 'opswall', isFirstInit: true, config, secrets: {}, lastUpgradeIndex: -1, actions: {}, feedbacks: {} },
		undefined,
		10000
	)
	if (typeof initAnswer.newUpgradeIndex !== 'number') fail('init answer without newUpgradeIndex: ' + JSON.stringify(initAnswer))
	const fields = (await ipc.sendWithCb('getConfigFields', {})).fields.map((f) => f.id)
	for (const f of ['host', 'port', 'tls', 'token']) if (!fields.includes(f)) fail('config field ' + f + ' missing')
	// A new connection starts from the fields' defaults (saved back to Companion): no token yet,
	// so the status asks for one. Then the user fills in the config page.
	await until('bad_config before a token is set', () => seen.status.some((s) => s.startsWith('bad_config')))
	if (!seen.savedConfig || seen.savedConfig.token !== '' || seen.savedConfig.port !== 8470)
		fail('first init did not save the default config: ' + JSON.stringify(seen.savedConfig))
	await ipc.sendWithCb('updateConfigAndLabel', { label: 'opswall', config, secrets: {} })

	// The buttons' feedbacks and actions as Companion (api >= 1.13) hands them over: upgrade, then
	// subscribe.
	const fbs = {
		fbPreset: feedback('fbPreset', 'active_preset', { preset }),
		fbLock: feedback('fbLock', 'locked', {}),
		fbStep2: feedback('fbStep2', 'briefing_step', { step: 2 }),
		fbAlerts: feedback('fbAlerts', 'alerts', {}),
	}
	const upgraded = await ipc.sendWithCb('upgradeActionsAndFeedbacks', {
		actions: [action('btnRecall', 'recall_preset', { preset })],
		feedbacks: Object.values(fbs),
		defaultUpgradeIndex: null,
	})
	if (upgraded.updatedFeedbacks.length !== 0) fail('feedbacks changed by an upgrade: ' + JSON.stringify(upgraded))
	await ipc.sendWithCb('updateActions', { actions: { btnRecall: action('btnRecall', 'recall_preset', { preset }) } })
	await ipc.sendWithCb('updateFeedbacks', { feedbacks: fbs })

	await until('status ok', () => seen.status.includes('ok'))
	for (const a of ['recall_preset', 'briefing_next', 'briefing_previous', 'blank', 'audio_mute', 'audio_unmute', 'lock', 'unlock'])
		if (!seen.actions || !seen.actions.includes(a)) fail('action ' + a + ' not defined')
	for (const f of ['active_preset', 'locked', 'alerts', 'briefing_step'])
		if (!seen.feedbacks || !seen.feedbacks.includes(f)) fail('feedback ' + f + ' not defined')
	for (const v of ['active_preset', 'active_preset_name', 'layout', 'locked', 'lock_holder', 'alert_count', 'briefing_step'])
		if (!seen.variableDefs || !seen.variableDefs.includes(v)) fail('variable ' + v + ' not defined')
	console.log(`initialised: ${seen.actions.length} actions, ${seen.feedbacks.length} feedbacks, ${seen.variableDefs.length} variables`)

	// The alert count is the wall's; its feedback is evaluated from it.
	const openAlerts = (await wall('GET', '/alerts')).items.length
	await until('alert_count = ' + openAlerts, () => seen.variables.alert_count === openAlerts && seen.feedbackValues.fbAlerts === openAlerts > 0)

	// A button press in Companion: recall the preset; the wall changes, the feedback lights.
	await execute('recall_preset', { preset })
	await until('active_preset = ' + preset, () => seen.variables.active_preset === preset)
	await until('feedback fbPreset true', () => seen.feedbackValues.fbPreset === true)
	console.log('recall: active_preset=' + seen.variables.active_preset + ' name=' + seen.variables.active_preset_name)

	// A refusal reaches Companion's log in the wall's words, and nothing on the wall changes.
	await execute('recall_preset', { preset: 987654 })
	await until('refusal logged', () => seen.logs.some((l) => l.startsWith('warn recall: 404')))
	if (seen.variables.active_preset !== preset) fail('a refused recall changed the active preset')

	await execute('lock', { minutes: 1, reason: 'companion' })
	await until('locked', () => seen.variables.locked === true && seen.feedbackValues.fbLock === true)
	console.log('locked by ' + seen.variables.lock_holder)
	await execute('unlock', {})
	await until('unlocked', () => seen.variables.locked === false && seen.feedbackValues.fbLock === false)
	console.log('unlocked')

	// A briefing on the wall, stepped from Companion: the step variable and feedback follow.
	const presets = (await wall('GET', '/presets')).items
	const names = presets.slice(0, 2).map((p) => p.name)
	if (names.length < 2) fail('the wall needs two presets for the briefing step')
	const saved = await wall('POST', '/briefings', {
		briefing: {
			schemaVersion: 1,
			kind: 'opswall.briefing',
			title: 'Companion bước',
			steps: names.map((n, i) => ({ title: 'Bước ' + (i + 1), preset: n })),
		},
	})
	const briefingId = saved.id
	await wall('POST', `/briefings/${briefingId}/start`, {})
	try {
		await until('briefing_step = 1', () => seen.variables.briefing_step === 1)
		await execute('briefing_next', {})
		await until('briefing_step = 2 and its feedback', () => seen.variables.briefing_step === 2 && seen.feedbackValues.fbStep2 === true)
		await execute('briefing_previous', {})
		await until('briefing_step = 1 again', () => seen.variables.briefing_step === 1 && seen.feedbackValues.fbStep2 === false)
		console.log('briefing stepped from Companion: 1 -> 2 -> 1')
	} finally {
		await wall('POST', `/briefings/${briefingId}/end`, {})
		await wall('DELETE', `/briefings/${briefingId}`)
	}
	await until('briefing ended', () => seen.variables.briefing_step === 0)
	// The briefing's steps put their presets on the wall; the button puts ours back.
	await execute('recall_preset', { preset })
	await until('preset back after the briefing', () => seen.variables.active_preset === preset && seen.feedbackValues.fbPreset === true)

	// A token the wall refuses, set from Companion's config page: the status says so; the right
	// one brings it back.
	const okCount = seen.status.filter((s) => s === 'ok').length
	await ipc.sendWithCb('updateConfigAndLabel', { label: 'opswall', config: { ...config, token: 'not-a-token' }, secrets: {} })
	await until('authentication_failure', () => seen.status.some((s) => s.startsWith('authentication_failure')))
	await ipc.sendWithCb('updateConfigAndLabel', { label: 'opswall', config, secrets: {} })
	await until('ok again', () => seen.status.filter((s) => s === 'ok').length > okCount)
	console.log('bad token: ' + seen.status.find((s) => s.startsWith('authentication_failure')))

	await ipc.sendWithCb('destroy', {})
	finished = true
	child.kill()
	console.log('OK')
	process.exit(0)
})().catch((e) => fail(e.message))
