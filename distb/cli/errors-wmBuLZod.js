// dist/core/errors.js
/** Exit codes from DESIGN.md: 0 ok, 1 failed, 2 usage/config, 3 conflict or gate failure, 130 interrupted. */
const EXIT = {
	ok: 0,
	failed: 1,
	usage: 2,
	conflict: 3,
	interrupted: 130
};
const exitByCode = {
	E_USAGE: EXIT.usage,
	E_CONFIG: EXIT.usage,
	E_BAD_NAME: EXIT.usage,
	E_PLAN: EXIT.usage,
	E_CONFLICT: EXIT.conflict,
	E_GATE_FAILED: EXIT.conflict,
	E_INTERRUPTED: EXIT.interrupted
};
/** A known failure: printed as message + hint without a stack. */
var BraidError = class extends Error {
	code;
	hint;
	details;
	constructor(code, message, hint, details) {
		super(message);
		this.name = "BraidError";
		this.code = code;
		this.hint = hint;
		this.details = details;
	}
	get exitCode() {
		return exitByCode[this.code] ?? EXIT.failed;
	}
};
function isBraidError(err, code) {
	return err instanceof BraidError && (code === void 0 || err.code === code);
}
export { EXIT as n, isBraidError as r, BraidError as t };
