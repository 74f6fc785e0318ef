// Bitfocus Companion module for OpsWall. It talks to the wall's control API (HTTP/JSON under
// /api/v1) with a bearer token of its own, and follows the wall's event stream (WebSocket
// /api/v1/events) so feedbacks and variables change as the wall does, whoever changed it.
// Every action is checked by the wall against the token's role and the control lock, and
// audited there (via "api", user = the token's name).
const { InstanceBase, InstanceStatus, runEntrypoint, combineRgb } = require('@companion-module/base')
const WebSocket = require('ws')

const RECONNECT_MS = 3000

class OpsWallInstance extends InstanceBase {
	constructor(internal) {
		super(internal)
		this.config = {}
		this.state = {
			presets: [], // [{id, name}]
			activePreset: 0,
			layout: '',
			locked: false,
			lockHolder: '',
			alertCount: 0,
			briefingStep: 0,
		}
		this.ws = null
		this.reconnectTimer = null
		this.stopped = false
	}

	getConfigFields() {
		return [
			{ type: 'textinput', id: 'host', label: 'Wall address', width: 6, default: '127.0.0.1' },
			{ type: 'number', id: 'port', label: 'API port', width: 3, min: 1, max: 65535, default: 8470 },
			{ type: 'checkbox', id: 'tls', label: 'TLS (https)', width: 3, default: false },
			{ type: 'textinput', id: 'token', label: 'Token (wallctl token create --role operator)', width: 12, default: '' },
		]
	}

	async init(config) {
		this.config = config || {}
		this.stopped = false
		this.defineEverything()
		await this.connect()
	}

	async configUpdated(config) {
		this.config = config || {}
		this.disconnect()
		this.stopped = false
		await this.connect()
	}

	async destroy() {
		this.stopped = true
		this.disconnect()
	}

	baseUrl() {
		const scheme = this.config.tls ? 'https' : 'http'
		return `${scheme}://${this.config.host}:${this.config.port}/api/v1`
	}

	// One API call; resolves to the JSON body, rejects with the wall's message.
	async api(method, path, body) {
		const res = await fetch(this.baseUrl() + path, {
			method,
			headers: {
				Authorization: `Bearer ${this.config.token}`,
				...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
			},
			body: body !== undefined ? JSON.stringify(body) : undefined,
			signal: AbortSignal.timeout(5000),
		})
		const text = await res.text()
		let json = {}
		try {
			json = text ? JSON.parse(text) : {}
		} catch (_e) {
			json = { message: text }
		}
		if (!res.ok) {
			const err = new Error(`${res.status} ${json.code || ''}: ${json.message || text}`.trim())
			err.status = res.status
			throw err
		}
		return json
	}

	async connect() {
		if (!this.config.host || !this.config.token) {
			this.updateStatus(InstanceStatus.BadConfig, 'set the wall address and a token')
			return
		}
		this.updateStatus(InstanceStatus.Connecting)
		try {
			await this.refresh()
		} catch (e) {
			this.updateStatus(
				e.status === 401 || e.status === 403 ? InstanceStatus.AuthenticationFailure : InstanceStatus.ConnectionFailure,
				e.message
			)
			this.scheduleReconnect()
			return
		}
		this.openEvents()
	}

	// Everything feedbacks and variables show, read once (then kept by events).
	async refresh() {
		const [status, presets, lock, alerts] = await Promise.all([
			this.api('GET', '/status'),
			this.api('GET', '/presets'),
			this.api('GET', '/lock'),
			this.api('GET', '/alerts'),
		])
		this.state.layout = status.layout || ''
		this.state.presets = (presets.items || []).map((p) => ({ id: p.id, name: p.name }))
		this.state.locked = !!lock.locked
		this.state.lockHolder = lock.holder || ''
		this.state.alertCount = (alerts.items || []).length
		// The live layout carries the name of the preset recalled last.
		const live = this.state.presets.find((p) => p.name === this.state.layout)
		if (live && !this.state.activePreset) this.state.activePreset = live.id
		this.defineEverything()
		this.publish()
	}

	openEvents() {
		const url = this.baseUrl().replace(/^http/, 'ws') + '/events'
		const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${this.config.token}` } })
		this.ws = ws
		ws.on('open', () => {
			this.updateStatus(InstanceStatus.Ok)
			this.log('info', `following ${url}`)
		})
		ws.on('message', (data) => {
			let ev
			try {
				ev = JSON.parse(data.toString())
			} catch (_e) {
				return
			}
			this.onEvent(ev).catch((e) => this.log('warn', `event: ${e.message}`))
		})
		ws.on('error', (e) => this.log('warn', `event stream: ${e.message}`))
		ws.on('close', () => {
			if (this.ws !== ws) return
			this.ws = null
			if (!this.stopped) {
				this.updateStatus(InstanceStatus.ConnectionFailure, 'event stream closed; reconnecting')
				this.scheduleReconnect()
			}
		})
	}

	async onEvent(ev) {
		switch (ev.type) {
			case 'preset.recall':
				this.state.activePreset = Number(ev.id) || 0
				this.state.layout = ev.name || this.state.layout
				break
			case 'lock.acquire':
				this.state.locked = true
				this.state.lockHolder = ev.by || ''
				break
			case 'lock.release':
			case 'lock.expired':
				this.state.locked = false
				this.state.lockHolder = ''
				break
			case 'preset.save':
			case 'preset.delete':
				await this.refresh()
				return
			default:
				if (typeof ev.type === 'string' && ev.type.startsWith('alert.')) {
					const alerts = await this.api('GET', '/alerts')
					this.state.alertCount = (alerts.items || []).length
				} else if (typeof ev.type === 'string' && ev.type.startsWith('briefing.')) {
					// The wall's briefing events carry the running briefing's state as "briefing"
					// ({"active", "step", ...}); "briefing.end" leaves no step.
					const b = ev.briefing
					this.state.briefingStep = b && b.active !== false ? Number(b.step) || 0 : 0
				} else {
					return
				}
		}
		this.publish()
	}

	scheduleReconnect() {
		if (this.reconnectTimer || this.stopped) return
		this.reconnectTimer = setTimeout(() => {
			this.reconnectTimer = null
			if (!this.stopped) this.connect()
		}, RECONNECT_MS)
	}

	disconnect() {
		if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
		this.reconnectTimer = null
		if (this.ws) {
			const ws = this.ws
			this.ws = null
			ws.terminate()
		}
	}

	publish() {
		const active = this.state.presets.find((p) => p.id === this.state.activePreset)
		this.setVariableValues({
			active_preset: this.state.activePreset,
			active_preset_name: active ? active.name : '',
			layout: this.state.layout,
			locked: this.state.locked,
			lock_holder: this.state.lockHolder,
			alert_count: this.state.alertCount,
			briefing_step: this.state.briefingStep,
		})
		this.checkFeedbacks('active_preset', 'locked', 'alerts', 'briefing_step')
	}

	// Runs an action; a refusal (role, lock, unknown preset) is logged with the wall's words.
	async act(what, fn) {
		try {
			await fn()
		} catch (e) {
			this.log('warn', `${what}: ${e.message}`)
		}
	}

	defineEverything() {
		const presetChoices = this.state.presets.map((p) => ({ id: p.id, label: `${p.id}: ${p.name}` }))
		const presetOption = {
			type: 'dropdown',
			id: 'preset',
			label: 'Preset',
			choices: presetChoices,
			default: presetChoices.length ? presetChoices[0].id : 1,
			allowCustom: true,
		}
		this.setActionDefinitions({
			recall_preset: {
				name: 'Recall a preset',
				options: [presetOption],
				callback: (a) => this.act('recall', () => this.api('POST', `/presets/${Number(a.options.preset)}/recall`, {})),
			},
			briefing_next: {
				name: 'Briefing: next step',
				options: [],
				callback: () => this.act('briefing next', () => this.api('POST', '/briefings/current/next', {})),
			},
			briefing_previous: {
				name: 'Briefing: previous step',
				options: [],
				callback: () => this.act('briefing previous', () => this.api('POST', '/briefings/current/previous', {})),
			},
			blank: {
				name: 'Blank the briefing',
				options: [{ type: 'checkbox', id: 'on', label: 'Blank', default: true }],
				callback: (a) => this.act('blank', () => this.api('POST', a.options.on ? '/briefings/current/blank' : '/briefings/current/unblank', {})),
			},
			audio_mute: {
				name: 'Audio: mute',
				options: [],
				callback: () => this.act('mute', () => this.api('POST', '/audio', { source: '' })),
			},
			audio_unmute: {
				name: 'Audio: hear a video source',
				options: [{ type: 'textinput', id: 'source', label: 'Video source id', default: 'demo-vc' }],
				callback: (a) => this.act('unmute', () => this.api('POST', '/audio', { source: String(a.options.source) })),
			},
			lock: {
				name: 'Lock the wall for others',
				options: [
					{ type: 'number', id: 'minutes', label: 'Minutes', min: 1, max: 480, default: 30 },
					{ type: 'textinput', id: 'reason', label: 'Reason', default: 'briefing' },
				],
				callback: (a) =>
					this.act('lock', () =>
						this.api('POST', '/lock', { ttlSeconds: Number(a.options.minutes) * 60, reason: String(a.options.reason) })
					),
			},
			unlock: {
				name: 'Release the lock',
				options: [],
				callback: () => this.act('unlock', () => this.api('DELETE', '/lock')),
			},
		})
		this.setFeedbackDefinitions({
			active_preset: {
				type: 'boolean',
				name: 'Preset is on the wall',
				defaultStyle: { bgcolor: combineRgb(31, 122, 77), color: combineRgb(255, 255, 255) },
				options: [presetOption],
				callback: (f) => Number(f.options.preset) === this.state.activePreset,
			},
			locked: {
				type: 'boolean',
				name: 'The wall is locked',
				defaultStyle: { bgcolor: combineRgb(232, 163, 23), color: combineRgb(0, 0, 0) },
				options: [],
				callback: () => this.state.locked,
			},
			alerts: {
				type: 'boolean',
				name: 'There are open alerts',
				defaultStyle: { bgcolor: combineRgb(214, 54, 54), color: combineRgb(255, 255, 255) },
				options: [],
				callback: () => this.state.alertCount > 0,
			},
			briefing_step: {
				type: 'boolean',
				name: 'The briefing is at a step',
				defaultStyle: { bgcolor: combineRgb(31, 122, 77), color: combineRgb(255, 255, 255) },
				options: [{ type: 'number', id: 'step', label: 'Step', min: 0, max: 999, default: 1 }],
				callback: (f) => Number(f.options.step) === this.state.briefingStep,
			},
		})
		this.setVariableDefinitions([
			{ variableId: 'active_preset', name: 'Number of the preset on the wall (0: none yet)' },
			{ variableId: 'active_preset_name', name: 'Name of the preset on the wall' },
			{ variableId: 'layout', name: 'Name of the live layout' },
			{ variableId: 'locked', name: 'The wall is locked' },
			{ variableId: 'lock_holder', name: 'Who holds the lock' },
			{ variableId: 'alert_count', name: 'Open alerts' },
			{ variableId: 'briefing_step', name: 'Briefing step' },
		])
	}
}

runEntrypoint(OpsWallInstance, [])
