import { r as __require, t as __commonJSMin } from "./rolldown-runtime-DYf_mQCB.js";
import { r as isBraidError, t as BraidError } from "./errors-wmBuLZod.js";
import { n as runInherited, t as exitCodeOf } from "./inherit-BMZEh39M.js";
import { s as plural } from "./ports-CHLGDPFH.js";
import { t as attachArgv, u as canStop } from "./reach-gipIaIgq.js";
import { t as eventLine } from "./event-lines-D6MbdW8q.js";
import { n as formatBytes, r as formatDuration, t as alignedLines } from "./format-CBknmFXK.js";
import { _ as sideLabel } from "./radar-kZDxUEuD.js";
import { c as startSession, m as provisionTask } from "./land-CfEzZRz-.js";
import { a as requireTask, i as requireSession, n as landTaskNames, o as sendToTask, r as removeTaskAction, s as stopTask, t as landOutcomeLine } from "./actions-CTxsdFNG.js";
import { a as EventFeed, s as lastEventId } from "./refusals-DxFGZ0mh.js";
import { i as taskDetail, n as radarFindings, r as recentQueue, t as ReadModel } from "./board-CVTPU0h-.js";
import path from "node:path";
import { useCallback, useEffect, useRef, useState } from "react";
import { Box, Text, render, useApp, useInput, useStdout } from "ink";
// node_modules/react/cjs/react-jsx-runtime.production.js
/**
* @license React
* react-jsx-runtime.production.js
*
* Copyright (c) Meta Platforms, Inc. and affiliates.
*
* This source code is licensed under the MIT license found in the
* LICENSE file in the root directory of this source tree.
*/
var require_react_jsx_runtime_production = /* @__PURE__ */ __commonJSMin(((exports) => {
	var REACT_ELEMENT_TYPE = Symbol.for("react.transitional.element");
	var REACT_FRAGMENT_TYPE = Symbol.for("react.fragment");
	function jsxProd(type, config, maybeKey) {
		var key = null;
		void 0 !== maybeKey && (key = "" + maybeKey);
		void 0 !== config.key && (key = "" + config.key);
		if ("key" in config) {
			maybeKey = {};
			for (var propName in config) "key" !== propName && (maybeKey[propName] = config[propName]);
		} else maybeKey = config;
		config = maybeKey.ref;
		return {
			$$typeof: REACT_ELEMENT_TYPE,
			type,
			key,
			ref: void 0 !== config ? config : null,
			props: maybeKey
		};
	}
	exports.Fragment = REACT_FRAGMENT_TYPE;
	exports.jsx = jsxProd;
	exports.jsxs = jsxProd;
}));
// node_modules/react/cjs/react-jsx-runtime.development.js
/**
* @license React
* react-jsx-runtime.development.js
*
* Copyright (c) Meta Platforms, Inc. and affiliates.
*
* This source code is licensed under the MIT license found in the
* LICENSE file in the root directory of this source tree.
*/
var require_react_jsx_runtime_development = /* @__PURE__ */ __commonJSMin(((exports) => {
	"production" !== process.env.NODE_ENV && (function() {
		function getComponentNameFromType(type) {
			if (null == type) return null;
			if ("function" === typeof type) return type.$$typeof === REACT_CLIENT_REFERENCE ? null : type.displayName || type.name || null;
			if ("string" === typeof type) return type;
			switch (type) {
				case REACT_FRAGMENT_TYPE: return "Fragment";
				case REACT_PROFILER_TYPE: return "Profiler";
				case REACT_STRICT_MODE_TYPE: return "StrictMode";
				case REACT_SUSPENSE_TYPE: return "Suspense";
				case REACT_SUSPENSE_LIST_TYPE: return "SuspenseList";
				case REACT_ACTIVITY_TYPE: return "Activity";
				case REACT_VIEW_TRANSITION_TYPE: return "ViewTransition";
			}
			if ("object" === typeof type) switch ("number" === typeof type.tag && console.error("Received an unexpected object in getComponentNameFromType(). This is likely a bug in React. Please file an issue."), type.$$typeof) {
				case REACT_PORTAL_TYPE: return "Portal";
				case REACT_CONTEXT_TYPE: return type.displayName || "Context";
				case REACT_CONSUMER_TYPE: return (type._context.displayName || "Context") + ".Consumer";
				case REACT_FORWARD_REF_TYPE:
					var innerType = type.render;
					type = type.displayName;
					type || (type = innerType.displayName || innerType.name || "", type = "" !== type ? "ForwardRef(" + type + ")" : "ForwardRef");
					return type;
				case REACT_MEMO_TYPE: return innerType = type.displayName || null, null !== innerType ? innerType : getComponentNameFromType(type.type) || "Memo";
				case REACT_LAZY_TYPE:
					innerType = type._payload;
					type = type._init;
					try {
						return getComponentNameFromType(type(innerType));
					} catch (x) {}
			}
			return null;
		}
		function testStringCoercion(value) {
			return "" + value;
		}
		function checkKeyStringCoercion(value) {
			try {
				testStringCoercion(value);
				var JSCompiler_inline_result = !1;
			} catch (e) {
				JSCompiler_inline_result = !0;
			}
			if (JSCompiler_inline_result) {
				JSCompiler_inline_result = console;
				var JSCompiler_temp_const = JSCompiler_inline_result.error;
				var JSCompiler_inline_result$jscomp$0 = "function" === typeof Symbol && Symbol.toStringTag && value[Symbol.toStringTag] || value.constructor.name || "Object";
				JSCompiler_temp_const.call(JSCompiler_inline_result, "The provided key is an unsupported type %s. This value must be coerced to a string before using it here.", JSCompiler_inline_result$jscomp$0);
				return testStringCoercion(value);
			}
		}
		function getTaskName(type) {
			if (type === REACT_FRAGMENT_TYPE) return "<>";
			if ("object" === typeof type && null !== type && type.$$typeof === REACT_LAZY_TYPE) return "<...>";
			try {
				var name = getComponentNameFromType(type);
				return name ? "<" + name + ">" : "<...>";
			} catch (x) {
				return "<...>";
			}
		}
		function getOwner() {
			var dispatcher = ReactSharedInternals.A;
			return null === dispatcher ? null : dispatcher.getOwner();
		}
		function UnknownOwner() {
			return Error("react-stack-top-frame");
		}
		function hasValidKey(config) {
			if (hasOwnProperty.call(config, "key")) {
				var getter = Object.getOwnPropertyDescriptor(config, "key").get;
				if (getter && getter.isReactWarning) return !1;
			}
			return void 0 !== config.key;
		}
		function defineKeyPropWarningGetter(props, displayName) {
			function warnAboutAccessingKey() {
				specialPropKeyWarningShown || (specialPropKeyWarningShown = !0, console.error("%s: `key` is not a prop. Trying to access it will result in `undefined` being returned. If you need to access the same value within the child component, you should pass it as a different prop. (https://react.dev/link/special-props)", displayName));
			}
			warnAboutAccessingKey.isReactWarning = !0;
			Object.defineProperty(props, "key", {
				get: warnAboutAccessingKey,
				configurable: !0
			});
		}
		function elementRefGetterWithDeprecationWarning() {
			var componentName = getComponentNameFromType(this.type);
			didWarnAboutElementRef[componentName] || (didWarnAboutElementRef[componentName] = !0, console.error("Accessing element.ref was removed in React 19. ref is now a regular prop. It will be removed from the JSX Element type in a future release."));
			componentName = this.props.ref;
			return void 0 !== componentName ? componentName : null;
		}
		function ReactElement(type, key, props, owner, debugStack, debugTask) {
			var refProp = props.ref;
			type = {
				$$typeof: REACT_ELEMENT_TYPE,
				type,
				key,
				props,
				_owner: owner
			};
			null !== (void 0 !== refProp ? refProp : null) ? Object.defineProperty(type, "ref", {
				enumerable: !1,
				get: elementRefGetterWithDeprecationWarning
			}) : Object.defineProperty(type, "ref", {
				enumerable: !1,
				value: null
			});
			type._store = {};
			Object.defineProperty(type._store, "validated", {
				configurable: !1,
				enumerable: !1,
				writable: !0,
				value: 0
			});
			Object.defineProperty(type, "_debugInfo", {
				configurable: !1,
				enumerable: !1,
				writable: !0,
				value: null
			});
			Object.defineProperty(type, "_debugStack", {
				configurable: !1,
				enumerable: !1,
				writable: !0,
				value: debugStack
			});
			Object.defineProperty(type, "_debugTask", {
				configurable: !1,
				enumerable: !1,
				writable: !0,
				value: debugTask
			});
			Object.freeze && (Object.freeze(type.props), Object.freeze(type));
			return type;
		}
		function jsxDEVImpl(type, config, maybeKey, isStaticChildren, debugStack, debugTask) {
			var children = config.children;
			if (void 0 !== children) if (isStaticChildren) if (isArrayImpl(children)) {
				for (isStaticChildren = 0; isStaticChildren < children.length; isStaticChildren++) validateChildKeys(children[isStaticChildren]);
				Object.freeze && Object.freeze(children);
			} else console.error("React.jsx: Static children should always be an array. You are likely explicitly calling React.jsxs or React.jsxDEV. Use the Babel transform instead.");
			else validateChildKeys(children);
			if (hasOwnProperty.call(config, "key")) {
				children = getComponentNameFromType(type);
				var keys = Object.keys(config).filter(function(k) {
					return "key" !== k;
				});
				isStaticChildren = 0 < keys.length ? "{key: someKey, " + keys.join(": ..., ") + ": ...}" : "{key: someKey}";
				didWarnAboutKeySpread[children + isStaticChildren] || (keys = 0 < keys.length ? "{" + keys.join(": ..., ") + ": ...}" : "{}", console.error("A props object containing a \"key\" prop is being spread into JSX:\n  let props = %s;\n  <%s {...props} />\nReact keys must be passed directly to JSX without using spread:\n  let props = %s;\n  <%s key={someKey} {...props} />", isStaticChildren, children, keys, children), didWarnAboutKeySpread[children + isStaticChildren] = !0);
			}
			children = null;
			void 0 !== maybeKey && (checkKeyStringCoercion(maybeKey), children = "" + maybeKey);
			hasValidKey(config) && (checkKeyStringCoercion(config.key), children = "" + config.key);
			if ("key" in config) {
				maybeKey = {};
				for (var propName in config) "key" !== propName && (maybeKey[propName] = config[propName]);
			} else maybeKey = config;
			children && defineKeyPropWarningGetter(maybeKey, "function" === typeof type ? type.displayName || type.name || "Unknown" : type);
			return ReactElement(type, children, maybeKey, getOwner(), debugStack, debugTask);
		}
		function validateChildKeys(node) {
			isValidElement(node) ? node._store && (node._store.validated = 1) : "object" === typeof node && null !== node && node.$$typeof === REACT_LAZY_TYPE && ("fulfilled" === node._payload.status ? isValidElement(node._payload.value) && node._payload.value._store && (node._payload.value._store.validated = 1) : node._store && (node._store.validated = 1));
		}
		function isValidElement(object) {
			return "object" === typeof object && null !== object && object.$$typeof === REACT_ELEMENT_TYPE;
		}
		var React = __require("react"), REACT_ELEMENT_TYPE = Symbol.for("react.transitional.element"), REACT_PORTAL_TYPE = Symbol.for("react.portal"), REACT_FRAGMENT_TYPE = Symbol.for("react.fragment"), REACT_STRICT_MODE_TYPE = Symbol.for("react.strict_mode"), REACT_PROFILER_TYPE = Symbol.for("react.profiler"), REACT_CONSUMER_TYPE = Symbol.for("react.consumer"), REACT_CONTEXT_TYPE = Symbol.for("react.context"), REACT_FORWARD_REF_TYPE = Symbol.for("react.forward_ref"), REACT_SUSPENSE_TYPE = Symbol.for("react.suspense"), REACT_SUSPENSE_LIST_TYPE = Symbol.for("react.suspense_list"), REACT_MEMO_TYPE = Symbol.for("react.memo"), REACT_LAZY_TYPE = Symbol.for("react.lazy"), REACT_ACTIVITY_TYPE = Symbol.for("react.activity"), REACT_VIEW_TRANSITION_TYPE = Symbol.for("react.view_transition"), REACT_CLIENT_REFERENCE = Symbol.for("react.client.reference"), ReactSharedInternals = React.__CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE, hasOwnProperty = Object.prototype.hasOwnProperty, isArrayImpl = Array.isArray, createTask = console.createTask ? console.createTask : function() {
			return null;
		};
		React = { react_stack_bottom_frame: function(callStackForError) {
			return callStackForError();
		} };
		var specialPropKeyWarningShown;
		var didWarnAboutElementRef = {};
		var unknownOwnerDebugStack = React.react_stack_bottom_frame.bind(React, UnknownOwner)();
		var unknownOwnerDebugTask = createTask(getTaskName(UnknownOwner));
		var didWarnAboutKeySpread = {};
		exports.Fragment = REACT_FRAGMENT_TYPE;
		exports.jsx = function(type, config, maybeKey) {
			var trackActualOwner = 1e4 > ReactSharedInternals.recentlyCreatedOwnerStacks++;
			if (trackActualOwner) {
				var previousStackTraceLimit = Error.stackTraceLimit;
				Error.stackTraceLimit = 10;
				var debugStackDEV = Error("react-stack-top-frame");
				Error.stackTraceLimit = previousStackTraceLimit;
			} else debugStackDEV = unknownOwnerDebugStack;
			return jsxDEVImpl(type, config, maybeKey, !1, debugStackDEV, trackActualOwner ? createTask(getTaskName(type)) : unknownOwnerDebugTask);
		};
		exports.jsxs = function(type, config, maybeKey) {
			var trackActualOwner = 1e4 > ReactSharedInternals.recentlyCreatedOwnerStacks++;
			if (trackActualOwner) {
				var previousStackTraceLimit = Error.stackTraceLimit;
				Error.stackTraceLimit = 10;
				var debugStackDEV = Error("react-stack-top-frame");
				Error.stackTraceLimit = previousStackTraceLimit;
			} else debugStackDEV = unknownOwnerDebugStack;
			return jsxDEVImpl(type, config, maybeKey, !0, debugStackDEV, trackActualOwner ? createTask(getTaskName(type)) : unknownOwnerDebugTask);
		};
	})();
}));
// dist/tui/rows.js
var import_jsx_runtime = (/* @__PURE__ */ __commonJSMin(((exports, module) => {
	if (process.env.NODE_ENV === "production") module.exports = require_react_jsx_runtime_production();
	else module.exports = require_react_jsx_runtime_development();
})))();
/** Pure: the dashboard's table rows, column layout and radar warnings, from plain data. */
const TASK_HEADERS = [
	"TASK",
	"STATUS",
	"AGE",
	"PORTS",
	"RAM",
	"TOKENS",
	"COST",
	"RADAR"
];
/** 1234 → 1.2k, 2_500_000 → 2.5M: tokens need magnitude, not digits. */
function formatTokens(tokens) {
	if (!tokens) return "-";
	const n = tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead;
	if (n < 1e3) return String(n);
	if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
	return `${(n / 1e6).toFixed(1)}M`;
}
function formatCost(usd) {
	return usd === null ? "-" : `$${usd.toFixed(2)}`;
}
function formatPorts(ports) {
	return Object.entries(ports).map(([k, p]) => k === "PORT" ? String(p) : `${k}=${p}`).join(" ") || "-";
}
const STRENGTH = {
	textual: 3,
	migration: 2,
	overlap: 1
};
const LABEL = {
	textual: "conflict",
	migration: "migration",
	overlap: "overlap"
};
/** The strongest radar finding a task is part of, as a short warning (`conflict: api, main`). */
function radarWarning(task, findings) {
	const mine = findings.filter((f) => f.a === task || f.b === task);
	if (!mine.length) return "";
	const top = mine.reduce((best, f) => STRENGTH[f.kind] > STRENGTH[best.kind] ? f : best);
	const others = [...new Set(mine.filter((f) => f.kind === top.kind).map((f) => sideLabel(f.a === task ? f.b : f.a)))];
	return `${LABEL[top.kind]}: ${others.join(", ")}`;
}
function taskCells(row, findings, now) {
	const n = row.refusals?.length ?? 0;
	const detail = row.status === "waiting" && row.statusDetail ? ` (${row.statusDetail.slice(0, 24)})` : n ? ` (refused ${n} tool use${n === 1 ? "" : "s"})` : "";
	return [
		row.name,
		`${row.status}${detail}`,
		formatDuration(now - row.statusSince),
		formatPorts(row.ports),
		formatBytes(row.rssBytes),
		formatTokens(row.tokens),
		formatCost(row.costUsd),
		radarWarning(row.name, findings) || "-"
	];
}
function queueCells(entry, now) {
	return [
		entry.task,
		entry.state,
		`#${entry.attempt}`,
		formatDuration(now - entry.updatedAt),
		entry.reason ? entry.reason.split("\n")[0].slice(0, 60) : ""
	];
}
/** Pads cells into aligned lines (header first); the last column is not padded. */
function layout(headers, rows) {
	return alignedLines(headers, rows);
}
/** Events worth a line under the queue: not each hook, nor status changes (the table shows status). */
function shownInFeed(e) {
	return e.kind !== "status.changed" && eventLine(e) !== null;
}
/** One event line: how long ago, then what happened. */
function eventCells(e, now) {
	return `${formatDuration(Math.max(0, now - e.at)).padStart(6)} ago  ${eventLine(e) ?? e.kind}`;
}
// dist/tui/parts.js
/** The dashboard's pieces: the task table, the queue and the footer with the keys or the current prompt. */
const STATUS_COLOR = {
	failed: "red",
	conflict: "red",
	waiting: "yellow",
	landed: "green",
	exited: "green"
};
/** The keys for the selected task: a finished one has nothing to stop. */
function helpLine(selectedStatus) {
	return `↑/↓ select  a attach  s send  d diff  l land${selectedStatus === null || canStop(selectedStatus) ? "  x stop" : ""}  r remove  n new  q quit`;
}
/** The RADAR column in words, and what its dash means. */
const RADAR_LEGEND = "RADAR: conflict = both change the same lines · migration = same migration number · overlap = same files, merges cleanly · - = no overlap with any task";
function TaskTable({ snap, selected }) {
	if (!snap) return null;
	if (!snap.tasks.length) return (0, import_jsx_runtime.jsx)(Text, { children: "No tasks. Press n to create one." });
	const now = snap.at;
	const [head, ...lines] = layout(TASK_HEADERS, snap.tasks.map((t) => taskCells(t, snap.findings, now)));
	return (0, import_jsx_runtime.jsxs)(Box, {
		flexDirection: "column",
		children: [
			(0, import_jsx_runtime.jsx)(Text, {
				dimColor: true,
				children: `  ${head}`
			}),
			snap.tasks.map((t, i) => (0, import_jsx_runtime.jsx)(Text, {
				inverse: t.name === selected,
				color: STATUS_COLOR[t.status],
				wrap: "truncate-end",
				children: `${t.name === selected ? ">" : " "} ${lines[i]}`
			}, t.name)),
			(0, import_jsx_runtime.jsx)(Text, {
				dimColor: true,
				wrap: "truncate-end",
				children: `  ${RADAR_LEGEND}`
			})
		]
	});
}
function QueueTable({ snap }) {
	if (!snap) return null;
	if (!snap.queue.length) return (0, import_jsx_runtime.jsxs)(Text, {
		dimColor: true,
		children: ["\n", "queue: empty"]
	});
	const [head, ...lines] = layout([
		"QUEUE",
		"STATE",
		"TRY",
		"FOR",
		"REASON"
	], snap.queue.map((q) => queueCells(q, snap.at)));
	const rows = snap.queue.map((q, i) => ({
		id: q.id,
		line: lines[i]
	}));
	return (0, import_jsx_runtime.jsxs)(Box, {
		flexDirection: "column",
		marginTop: 1,
		children: [(0, import_jsx_runtime.jsx)(Text, {
			dimColor: true,
			children: `  ${head}`
		}), rows.map((row) => (0, import_jsx_runtime.jsx)(Text, {
			wrap: "truncate-end",
			children: `  ${row.line}`
		}, row.id))]
	});
}
/** The latest events, from the event feed: landings, hand-backs, refusals, budget stops. */
function RecentEvents({ snap }) {
	if (!snap?.events.length) return null;
	return (0, import_jsx_runtime.jsx)(Box, {
		flexDirection: "column",
		marginTop: 1,
		children: snap.events.map((e) => (0, import_jsx_runtime.jsx)(Text, {
			dimColor: true,
			wrap: "truncate-end",
			children: `  ${eventCells(e, snap.at)}`
		}, e.id))
	});
}
function Footer({ ui, selectedStatus }) {
	const mode = ui.mode;
	if (mode.kind === "confirm-remove") return (0, import_jsx_runtime.jsx)(Text, {
		color: "yellow",
		children: `remove ${mode.task}? (y/n)`
	});
	if (mode.kind === "input") {
		const label = mode.purpose === "send" ? `send to ${mode.task}` : mode.purpose === "new-name" ? "new task name" : `prompt for ${mode.task}`;
		return (0, import_jsx_runtime.jsx)(Text, {
			color: "cyan",
			children: `${label}: ${mode.value}█  (Enter ok, Esc cancel)`
		});
	}
	return (0, import_jsx_runtime.jsx)(Text, {
		dimColor: true,
		children: helpLine(selectedStatus)
	});
}
// dist/tui/state.js
/** Pure: the dashboard's modes, selection and what each key does (an effect the view then carries out). */
const initialState = (selected = null) => ({
	selected,
	mode: { kind: "table" }
});
/** The selected name after a refresh: the same task while it exists, else the nearest row. */
function reselect(selected, before, after) {
	if (!after.length) return null;
	if (selected && after.includes(selected)) return selected;
	const i = selected ? before.indexOf(selected) : 0;
	return after[Math.min(Math.max(i, 0), after.length - 1)];
}
function move(selected, names, by) {
	if (!names.length) return null;
	const i = selected ? names.indexOf(selected) : -1;
	return names[Math.min(Math.max(i + by, 0), names.length - 1)];
}
function openPane(state, title, text) {
	const lines = text.replace(/\n$/, "").split("\n");
	return {
		...state,
		mode: {
			kind: "pane",
			title,
			lines,
			offset: 0
		}
	};
}
const TASK_KEYS = {
	a: "attach",
	d: "diff",
	l: "land",
	x: "stop"
};
function onTable(state, key, names, canStop) {
	if (key.up) return { state: {
		...state,
		selected: move(state.selected, names, -1)
	} };
	if (key.down) return { state: {
		...state,
		selected: move(state.selected, names, 1)
	} };
	if (key.input === "q") return {
		state,
		effect: { kind: "quit" }
	};
	if (key.input === "n") return { state: {
		...state,
		mode: {
			kind: "input",
			purpose: "new-name",
			value: "",
			task: ""
		}
	} };
	const task = state.selected;
	if (!task) return { state };
	if (key.input === "r") return { state: {
		...state,
		mode: {
			kind: "confirm-remove",
			task
		}
	} };
	if (key.input === "s") return { state: {
		...state,
		mode: {
			kind: "input",
			purpose: "send",
			value: "",
			task
		}
	} };
	const kind = TASK_KEYS[key.input];
	if (kind === "stop" && !canStop(task)) return { state };
	if (kind) return {
		state,
		effect: {
			kind,
			task
		}
	};
	return { state };
}
function onInput(state, mode, key) {
	const table = {
		...state,
		mode: { kind: "table" }
	};
	if (key.escape) return { state: table };
	if (key.backspace) return { state: {
		...state,
		mode: {
			...mode,
			value: mode.value.slice(0, -1)
		}
	} };
	if (key.enter) {
		const value = mode.value.trim();
		if (!value) return { state: table };
		if (mode.purpose === "send") return {
			state: table,
			effect: {
				kind: "send",
				task: mode.task,
				text: value
			}
		};
		if (mode.purpose === "new-name") return { state: {
			...state,
			mode: {
				kind: "input",
				purpose: "new-prompt",
				value: "",
				task: value
			}
		} };
		return {
			state: table,
			effect: {
				kind: "create",
				name: mode.task,
				prompt: value
			}
		};
	}
	if (!key.input || key.up || key.down || key.pageUp || key.pageDown) return { state };
	return { state: {
		...state,
		mode: {
			...mode,
			value: mode.value + key.input
		}
	} };
}
function onPane(state, mode, key, height) {
	if (key.escape || key.input === "q") return { state: {
		...state,
		mode: { kind: "table" }
	} };
	const by = key.up ? -1 : key.down ? 1 : key.pageUp ? -height : key.pageDown || key.input === " " ? height : 0;
	const max = Math.max(0, mode.lines.length - height);
	const offset = Math.min(Math.max(mode.offset + by, 0), max);
	return { state: {
		...state,
		mode: {
			...mode,
			offset
		}
	} };
}
/** One key press: the next state and, when the key asks for one, the effect to carry out. */
function reduce(state, key, names, paneHeight, canStop = () => true) {
	const mode = state.mode;
	if (mode.kind === "table") return onTable(state, key, names, canStop);
	if (mode.kind === "input") return onInput(state, mode, key);
	if (mode.kind === "pane") return onPane(state, mode, key, paneHeight);
	const table = {
		...state,
		mode: { kind: "table" }
	};
	if (key.input === "y") return {
		state: table,
		effect: {
			kind: "remove",
			task: mode.task
		}
	};
	return { state: table };
}
/**
* Several characters can arrive as one chunk (fast typing, tmux send-keys): outside a text prompt
* each is its own key; inside one they are text, until a key leaves the prompt.
*/
function reduceChunk(state, key, names, paneHeight, canStop = () => true) {
	const chars = [...key.input];
	if (chars.length <= 1 || state.mode.kind === "input") {
		const step = reduce(state, key, names, paneHeight, canStop);
		return {
			state: step.state,
			effects: step.effect ? [step.effect] : []
		};
	}
	let current = state;
	const effects = [];
	for (const ch of chars) {
		const step = reduce(current, { input: ch }, names, paneHeight, canStop);
		current = step.state;
		if (step.effect) effects.push(step.effect);
	}
	return {
		state: current,
		effects
	};
}
// dist/tui/App.js
/** The dashboard view: polls a UiData source, renders tasks and queue, and turns keys into actions. */
function toKeyPress(input, key) {
	return {
		input: key.ctrl || key.meta ? "" : input,
		up: key.upArrow,
		down: key.downArrow,
		pageUp: key.pageUp,
		pageDown: key.pageDown,
		enter: key.return,
		escape: key.escape,
		backspace: key.backspace || key.delete
	};
}
function errorMessages(err) {
	const out = [{
		text: err.message,
		tone: "error"
	}];
	if (isBraidError(err) && err.hint) out.push({
		text: err.hint,
		tone: "hint"
	});
	return out;
}
function App({ data, refreshMs = 1e3, initialSelected = null, initialMessage = null, onLeave }) {
	const { exit } = useApp();
	const { stdout } = useStdout();
	const paneHeight = Math.max(5, (stdout.rows || 24) - 4);
	const [snap, setSnap] = useState(null);
	const [ui, setUi] = useState(initialState(initialSelected));
	const [messages, setMessages] = useState(initialMessage ? [{
		text: initialMessage,
		tone: "error"
	}] : []);
	const uiRef = useRef(ui);
	const snapRef = useRef(snap);
	const loading = useRef(false);
	const alive = useRef(true);
	const update = useCallback((next) => {
		uiRef.current = next;
		setUi(next);
	}, []);
	const refresh = useCallback(async () => {
		if (loading.current) return;
		loading.current = true;
		try {
			const next = await data.snapshot();
			if (!alive.current) return;
			const before = snapRef.current?.tasks.map((t) => t.name) ?? [];
			const after = next.tasks.map((t) => t.name);
			snapRef.current = next;
			setSnap(next);
			const selected = reselect(uiRef.current.selected, before, after);
			if (selected !== uiRef.current.selected) update({
				...uiRef.current,
				selected
			});
		} catch (err) {
			if (alive.current) setMessages(errorMessages(err));
		} finally {
			loading.current = false;
		}
	}, [data, update]);
	useEffect(() => {
		alive.current = true;
		refresh();
		const timer = setInterval(() => void refresh(), refreshMs);
		return () => {
			alive.current = false;
			clearInterval(timer);
		};
	}, [refresh, refreshMs]);
	const act = async (effect) => {
		const say = (text) => alive.current && setMessages([{
			text,
			tone: "info"
		}]);
		try {
			switch (effect.kind) {
				case "quit":
					onLeave({ kind: "quit" });
					return exit();
				case "attach": {
					const target = await data.attach(effect.task);
					if ("text" in target) return update(openPane(uiRef.current, `log of ${effect.task}`, target.text));
					onLeave({
						kind: "attach",
						target,
						selected: effect.task
					});
					return exit();
				}
				case "diff": return update(openPane(uiRef.current, `diff of ${effect.task}`, await data.diff(effect.task)));
				case "send":
					await data.send(effect.task, effect.text);
					return say(`sent to ${effect.task}`);
				case "land":
					say(`landing ${effect.task}…`);
					return say(await data.land(effect.task, say));
				case "stop":
					say(`stopping ${effect.task}…`);
					await data.stop(effect.task);
					return say(`stopped ${effect.task}`);
				case "remove":
					say(`removing ${effect.task}…`);
					return say(await data.remove(effect.task));
				case "create":
					say(`creating ${effect.name}…`);
					await data.create(effect.name, effect.prompt, (line) => say(`${effect.name}: ${line}`));
					update({
						...uiRef.current,
						selected: effect.name
					});
					return say(`created ${effect.name}`);
			}
		} catch (err) {
			if (alive.current) setMessages(errorMessages(err));
		} finally {
			if (effect.kind !== "quit" && effect.kind !== "attach") refresh();
		}
	};
	useInput((input, key) => {
		const tasks = snapRef.current?.tasks ?? [];
		const names = tasks.map((t) => t.name);
		const stoppable = (name) => canStop(tasks.find((t) => t.name === name)?.status ?? "");
		const step = reduceChunk(uiRef.current, toKeyPress(input, key), names, paneHeight, stoppable);
		update(step.state);
		for (const effect of step.effects) act(effect);
	});
	const mode = ui.mode;
	if (mode.kind === "pane") {
		const shown = mode.lines.slice(mode.offset, mode.offset + paneHeight).map((text, i) => ({
			id: mode.offset + i,
			text
		}));
		return (0, import_jsx_runtime.jsxs)(Box, {
			flexDirection: "column",
			children: [
				(0, import_jsx_runtime.jsx)(Text, {
					bold: true,
					children: mode.title
				}),
				shown.map((line) => (0, import_jsx_runtime.jsx)(Text, {
					wrap: "truncate-end",
					children: line.text || " "
				}, line.id)),
				(0, import_jsx_runtime.jsxs)(Text, {
					dimColor: true,
					children: [
						"lines ",
						mode.offset + 1,
						"-",
						mode.offset + shown.length,
						" of ",
						mode.lines.length,
						" · ↑/↓ PgUp/PgDn scroll · q close"
					]
				})
			]
		});
	}
	return (0, import_jsx_runtime.jsxs)(Box, {
		flexDirection: "column",
		children: [
			(0, import_jsx_runtime.jsxs)(Text, {
				bold: true,
				children: ["braid · ", snap ? plural(snap.tasks.length, "task") : "loading…"]
			}),
			(0, import_jsx_runtime.jsx)(TaskTable, {
				snap,
				selected: ui.selected
			}),
			(0, import_jsx_runtime.jsx)(QueueTable, { snap }),
			(0, import_jsx_runtime.jsx)(RecentEvents, { snap }),
			messages.map((m) => (0, import_jsx_runtime.jsx)(Text, {
				color: m.tone === "error" ? "red" : void 0,
				dimColor: m.tone === "hint",
				children: m.text
			}, m.tone)),
			(0, import_jsx_runtime.jsx)(Footer, {
				ui,
				selectedStatus: snap?.tasks.find((t) => t.name === ui.selected)?.status ?? null
			})
		]
	});
}
// dist/tui/tmux-attach.js
/** How `braid ui` reaches a tmux session: switch the user's client when braid's server is theirs, else a client of its own. */
/** tmux's socket for `-L name`: $TMUX_TMPDIR (or /tmp), then tmux-UID, then the name. */
function socketPathOf(name, env) {
	return path.join(env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.() ?? 0}`, name);
}
/**
* True when this process runs inside a tmux client of the server holding braid's sessions: then
* `switch-client` works. Inside another server (braid on its own socket) it would fail with no client.
*/
function insideSameTmux(socket, env = process.env) {
	const current = env.TMUX?.split(",")[0];
	if (!current) return false;
	if (!socket) return true;
	return path.resolve(current) === path.resolve(socketPathOf(socket, env));
}
/** The `-L` socket named in a tmux argv (`tmux -L NAME ...`), if any. */
function socketOfArgv(argv) {
	const i = argv.indexOf("-L");
	return i >= 0 ? argv[i + 1] : void 0;
}
// dist/tui/data.js
/** How far back the first snapshot looks for them. */
const EVENTS_BACK = 200;
function projectData(project, options = {}) {
	const model = new ReadModel(project, {
		radarEveryMs: options.radarEveryMs ?? 1e4,
		events: 0
	});
	const feed = new EventFeed(project.store, { from: Math.max(0, lastEventId(project.store) - EVENTS_BACK) });
	let recent = [];
	return {
		async snapshot() {
			const board = await model.snapshot();
			recent = [...recent, ...feed.next().filter(shownInFeed)].slice(-4);
			return {
				at: board.at,
				tasks: board.tasks,
				queue: recentQueue(board.queue),
				findings: radarFindings(board.radar),
				events: recent
			};
		},
		async diff(task) {
			const detail = await taskDetail(project, task);
			if (!detail) throw new Error(`no task named '${task}'`);
			return detail.diff || "(no changes)";
		},
		async attach(name) {
			const task = requireTask(project, name);
			const handle = requireSession(task);
			const probe = attachArgv(handle, false);
			if (probe) {
				if (insideSameTmux(socketOfArgv(probe))) return {
					argv: attachArgv(handle, true) ?? probe,
					cwd: task.worktree,
					switches: true
				};
				return {
					argv: probe,
					cwd: task.worktree,
					env: { TMUX: "" }
				};
			}
			return { text: (await taskDetail(project, name))?.log || "(no output yet)" };
		},
		async send(name, text) {
			await sendToTask(project, name, text);
		},
		async land(task, onProgress) {
			return landOutcomeLine(await landTaskNames(project, [task], { onProgress }), task);
		},
		async stop(name) {
			await stopTask(project, name);
		},
		async remove(name) {
			const res = await removeTaskAction(project, name);
			return res.backupRef ? `removed ${name} (backup ${res.backupRef})` : `removed ${name}`;
		},
		async create(name, prompt, onProgress) {
			await provisionTask(project, {
				name,
				prompt,
				onProgress
			});
			onProgress("starting the agent");
			await startSession(project, name);
		}
	};
}
// dist/tui/run.js
/** `braid ui`'s loop: show the dashboard; to attach, leave ink, hand the terminal to the session, come back. */
async function runDashboard(project, options = {}) {
	if (!process.stdin.isTTY || !process.stdout.isTTY) throw new BraidError("E_USAGE", "braid ui needs an interactive terminal", "Run it in a terminal; scripts can use braid ls --json.");
	const data = projectData(project);
	let selected = null;
	let message = null;
	for (;;) {
		const left = { value: { kind: "quit" } };
		await render((0, import_jsx_runtime.jsx)(App, {
			data,
			refreshMs: options.refreshMs,
			initialSelected: selected,
			initialMessage: message,
			onLeave: (leave) => {
				left.value = leave;
			}
		})).waitUntilExit();
		const leave = left.value;
		if (leave.kind === "quit") return;
		selected = leave.selected;
		const [command, ...args] = leave.target.argv;
		process.stdin.pause();
		const { cwd, env, switches } = leave.target;
		const res = await runInherited(command, args, {
			cwd,
			env
		});
		process.stdout.cursorTo(0, 0);
		process.stdout.clearScreenDown();
		const back = switches ? `${selected} is shown in this tmux client; prefix + L (last session) comes back here` : null;
		message = res.code === 0 ? back : `attach to ${selected} ended with exit code ${exitCodeOf(res)}`;
	}
}
export { runDashboard };
