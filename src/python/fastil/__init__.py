"""FastIL from Python: batched classic-control envs, BC, DAgger and evaluation through FastIL's native library.

The package is pure Python over ``ctypes`` and ``numpy``. It loads ``_native/<isa>/libfastil.so`` (built by
``bash src/python/build.sh``; set ``FASTIL_NATIVE`` to a .so path to override) for the best instruction set the CPU
has. Calls release the GIL. Processes that use FastIL should start workers with ``spawn`` or ``forkserver``:
forking after the .NET runtime has started can hang the child.

    import numpy as np, fastil
    env = fastil.VectorEnv("CartPole-v1", num_envs=16384, seed=0)
    obs, info = env.reset()
    obs, rewards, terminations, truncations, infos = env.step(np.zeros(env.num_envs, dtype=np.int32))
    result = fastil.dagger(env="CartPole-v1", seed=0)          # the JSON of `fastil dagger --out`, as a dict
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FastILError", "VectorEnv", "Policy", "Box", "Discrete", "dagger", "bc", "evaluate", "abi_version", "library_path"]

_ABI_VERSION = 1
_OK, _INVALID_ARGUMENT, _INVALID_HANDLE, _FAILED = 0, -1, -2, -3


class FastILError(RuntimeError):
    """An error reported by the native library (bad argument, closed handle, failed run), with its message."""


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _choose_library() -> str:
    override = os.environ.get("FASTIL_NATIVE")
    if override:
        if not os.path.isfile(override):
            raise FastILError(f"FASTIL_NATIVE={override}: no such file")
        return override
    flags = _cpu_flags()
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_native")
    v4 = {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}
    v3 = {"avx2", "fma", "bmi1", "bmi2", "movbe"}
    # A build for an instruction set the CPU lacks aborts the process on its first call: choose by the CPU's flags.
    candidates = (["x86-64-v4"] if v4 <= flags else []) + (["x86-64-v3"] if v3 <= flags else [])
    if not candidates:
        raise FastILError("this CPU lacks AVX2 (x86-64-v3), the least the native library is built for")
    for isa in candidates:
        path = os.path.join(here, isa, "libfastil.so")
        if os.path.isfile(path):
            return path
    raise FastILError(f"no native library under {here} for {', '.join(candidates)}: run `bash src/python/build.sh`")


library_path = _choose_library()
_lib = ctypes.CDLL(library_path)

_i32, _i64, _u64, _f32p, _f64p, _u8p, _vp, _cp = (ctypes.c_int32, ctypes.c_int64, ctypes.c_uint64, ctypes.POINTER(ctypes.c_float),
                                                  ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_uint8), ctypes.c_void_p, ctypes.c_char_p)
_signatures = {
    "fastil_abi_version": [],
    "fastil_last_error": [_vp, _i32],
    "fastil_last_result": [_vp, _i32],
    "fastil_vecenv_create": [_cp, _i32, _i32, _i32, ctypes.POINTER(_i64)],
    "fastil_vecenv_info": [_i64, _vp, _vp, _vp, _vp, _vp, _vp, _vp],
    "fastil_vecenv_reset": [_i64, _u64, _vp, _i32],
    "fastil_vecenv_step": [_i64, _vp, _vp, _vp, _vp, _vp, _i32],
    "fastil_vecenv_set_state": [_i64, _vp],
    "fastil_vecenv_get_state": [_i64, _vp],
    "fastil_vecenv_step_dynamics": [_i64, _vp, _vp, _vp, _vp],
    "fastil_vecenv_destroy": [_i64],
    "fastil_run_json": [_cp, ctypes.POINTER(_i32)],
    "fastil_policy_load": [_cp, ctypes.POINTER(_i64)],
    "fastil_policy_info": [_i64, _vp, _vp],
    "fastil_policy_act": [_i64, _vp, _i32, _vp],
    "fastil_policy_destroy": [_i64],
}
for _name, _args in _signatures.items():
    _fn = getattr(_lib, _name)
    _fn.argtypes = _args
    _fn.restype = _i32


_step = _lib.fastil_vecenv_step


def abi_version() -> int:
    """The native library's ABI version."""
    return int(_lib.fastil_abi_version())


if abi_version() != _ABI_VERSION:
    raise FastILError(f"{library_path} has ABI version {abi_version()}; this package needs {_ABI_VERSION}: rebuild with src/python/build.sh")


def _last(fn) -> str:
    needed = fn(None, 0)
    buf = ctypes.create_string_buffer(needed)
    fn(buf, needed)
    return buf.value.decode("utf-8")


def _check(status: int) -> None:
    if status != _OK:
        raise FastILError(_last(_lib.fastil_last_error))


def _ptr(a: np.ndarray | None) -> int | None:
    # arr.ctypes.data is a plain integer: ~10x cheaper per call than data_as(POINTER(...)).
    return None if a is None else a.ctypes.data


@dataclass(frozen=True)
class Box:
    """A box space (Gymnasium's ``spaces.Box`` in shape, dtype and bounds)."""
    low: np.ndarray
    high: np.ndarray
    shape: tuple[int, ...]
    dtype: np.dtype


@dataclass(frozen=True)
class Discrete:
    """A discrete space of ``n`` actions (Gymnasium's ``spaces.Discrete``)."""
    n: int
    shape: tuple[int, ...] = ()
    dtype: np.dtype = np.dtype(np.int64)


_AUTORESET = {"next_step": 0, "same_step": 1, "disabled": 2}


class VectorEnv:
    """
    ``num_envs`` copies of a Gymnasium env stepped together, following Gymnasium's vector API (next-step autoreset
    by default): ``reset()`` returns ``(obs, info)`` and ``step(actions)`` ``(obs, rewards, terminations, truncations,
    infos)``. Observations are float32 ``(num_envs, obs_dim)``, rewards float64, flags bool. With ``copy=False`` the
    returned arrays are the env's own buffers, overwritten by the next call (no allocation per step). Thread-safe:
    calls on one env are serialized; different envs run in parallel.
    """

    def __init__(self, env_id: str, num_envs: int, seed: int | None = None, autoreset_mode: str = "next_step", threads: int = 1, copy: bool = True):
        if not isinstance(env_id, str):
            raise TypeError(f"env_id must be a str; got {type(env_id).__name__}")
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)):
            raise TypeError(f"num_envs must be an int; got {type(num_envs).__name__}")
        if autoreset_mode not in _AUTORESET:
            raise ValueError(f"autoreset_mode must be one of {sorted(_AUTORESET)}; got {autoreset_mode!r}")
        handle = _i64()
        _check(_lib.fastil_vecenv_create(env_id.encode("utf-8"), int(num_envs), _AUTORESET[autoreset_mode], int(threads), ctypes.byref(handle)))
        self._h = handle.value
        self._lock = threading.Lock()
        n, d, s, k = _i32(), _i32(), _i32(), _i32()
        lo, hi, steps = ctypes.c_float(), ctypes.c_float(), _i32()
        _check(_lib.fastil_vecenv_info(self._h, ctypes.byref(n), ctypes.byref(d), ctypes.byref(s), ctypes.byref(k), ctypes.byref(lo), ctypes.byref(hi), ctypes.byref(steps)))
        self.env_id = env_id
        self.num_envs = n.value
        self.state_dim = s.value
        self.max_episode_steps = steps.value
        self.copy = copy
        self.single_observation_space = Box(np.full(d.value, -np.inf, np.float32), np.full(d.value, np.inf, np.float32), (d.value,), np.dtype(np.float32))
        self.observation_space = Box(np.full((n.value, d.value), -np.inf, np.float32), np.full((n.value, d.value), np.inf, np.float32), (n.value, d.value), np.dtype(np.float32))
        self.discrete = k.value > 0
        self.single_action_space = Discrete(k.value) if self.discrete else Box(np.array([lo.value], np.float32), np.array([hi.value], np.float32), (1,), np.dtype(np.float32))
        self._obs = np.empty((self.num_envs, d.value), np.float32)
        self._rew = np.empty(self.num_envs, np.float64)
        self._term = np.empty(self.num_envs, np.bool_)
        self._trunc = np.empty(self.num_envs, np.bool_)
        self._seed = 0 if seed is None else int(seed)
        # Pointers of the reused output buffers, taken once (arr.ctypes.data costs about a microsecond a call).
        self._obs_p, self._rew_p, self._term_p, self._trunc_p = (x.ctypes.data for x in (self._obs, self._rew, self._term, self._trunc))
        self._action_dtype = np.dtype(np.int32) if self.discrete else np.dtype(np.float32)
        self._action_shape = (self.num_envs,)

    def _handle(self) -> int:
        if self._h == 0:
            raise FastILError(f"{self.env_id}: the env is closed")
        return self._h

    def _out(self, a: np.ndarray) -> np.ndarray:
        return a.copy() if self.copy else a

    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[np.ndarray, dict]:
        """Resets every lane; lane i's k-th episode starts from a state drawn from (seed, i, k)."""
        if options:
            raise ValueError("reset options are not supported")
        if seed is not None:
            self._seed = int(seed)
        with self._lock:
            _check(_lib.fastil_vecenv_reset(self._handle(), self._seed, _ptr(self._obs), 0))
            return self._out(self._obs), {}

    def step(self, actions) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        """Steps every lane with one action each (ints for discrete envs, floats for continuous ones)."""
        a = actions
        # Fast path: an array already of the native dtype, shape and layout goes straight through.
        if not (type(a) is np.ndarray and a.dtype == self._action_dtype and a.shape == self._action_shape and a.flags.c_contiguous):
            a = self._check_actions(actions)
        with self._lock:
            if self._h == 0:
                raise FastILError(f"{self.env_id}: the env is closed")
            _check(_step(self._h, a.ctypes.data, self._obs_p, self._rew_p, self._term_p, self._trunc_p, 0))
            if not self.copy:
                return self._obs, self._rew, self._term, self._trunc, {}
            return self._obs.copy(), self._rew.copy(), self._term.copy(), self._trunc.copy(), {}

    def _check_actions(self, actions) -> np.ndarray:
        a = np.asarray(actions)
        if self.discrete:
            if a.dtype.kind not in "iu":
                raise TypeError(f"{self.env_id} has discrete actions: expected an integer array, got dtype {a.dtype}")
            if a.shape != (self.num_envs,):
                raise ValueError(f"actions must have shape ({self.num_envs},); got {a.shape}")
            a = np.ascontiguousarray(a, dtype=np.int32)
        else:
            if a.dtype.kind not in "fiu":
                raise TypeError(f"{self.env_id} has continuous actions: expected a float array, got dtype {a.dtype}")
            if a.shape not in ((self.num_envs,), (self.num_envs, 1)):
                raise ValueError(f"actions must have shape ({self.num_envs},) or ({self.num_envs}, 1); got {a.shape}")
            a = np.ascontiguousarray(a.reshape(self.num_envs), dtype=np.float32)
        return a

    def set_state(self, states) -> None:
        """Sets every lane's internal state ((num_envs, state_dim) float64), e.g. to replay recorded transitions."""
        s = np.ascontiguousarray(states, dtype=np.float64)
        if s.shape != (self.num_envs, self.state_dim):
            raise ValueError(f"states must have shape ({self.num_envs}, {self.state_dim}); got {s.shape}")
        with self._lock:
            _check(_lib.fastil_vecenv_set_state(self._handle(), _ptr(s)))

    def get_state(self) -> np.ndarray:
        """Every lane's internal state, (num_envs, state_dim) float64."""
        s = np.empty((self.num_envs, self.state_dim), np.float64)
        with self._lock:
            _check(_lib.fastil_vecenv_get_state(self._handle(), _ptr(s)))
        return s

    def step_dynamics(self, actions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One step of the dynamics alone (no time limit, no reset): (next_obs, rewards, terminated)."""
        a = np.ascontiguousarray(actions, dtype=np.float64)
        if a.shape != (self.num_envs,):
            raise ValueError(f"actions must have shape ({self.num_envs},); got {a.shape}")
        with self._lock:
            _check(_lib.fastil_vecenv_step_dynamics(self._handle(), _ptr(a), _ptr(self._obs), _ptr(self._rew), _ptr(self._term)))
            return self._obs.copy(), self._rew.copy(), self._term.copy()

    def close(self) -> None:
        """Releases the native env; later calls raise FastILError."""
        with self._lock:
            if self._h:
                h, self._h = self._h, 0
                _check(_lib.fastil_vecenv_destroy(h))

    def __enter__(self) -> VectorEnv:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


class Policy:
    """A saved FastIL policy (``fastil fit --output``, ``--save-policy``): greedy actions for batches of observations."""

    def __init__(self, handle: int, input_dim: int, num_actions: int):
        self._h, self.input_dim, self.num_actions = handle, input_dim, num_actions
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: str | os.PathLike) -> Policy:
        h = _i64()
        _check(_lib.fastil_policy_load(os.fsencode(path), ctypes.byref(h)))
        d, k = _i32(), _i32()
        _check(_lib.fastil_policy_info(h.value, ctypes.byref(d), ctypes.byref(k)))
        return cls(h.value, d.value, k.value)

    def act(self, obs) -> np.ndarray:
        """Actions of (n, input_dim) observations: int32 for discrete policies, float32 otherwise."""
        o = np.ascontiguousarray(obs, dtype=np.float32)
        if o.ndim != 2 or o.shape[1] != self.input_dim:
            raise ValueError(f"obs must have shape (n, {self.input_dim}); got {o.shape}")
        out = np.empty(o.shape[0], np.int32 if self.num_actions > 0 else np.float32)
        with self._lock:
            if self._h == 0:
                raise FastILError("the policy is closed")
            _check(_lib.fastil_policy_act(self._h, _ptr(o), o.shape[0], _ptr(out)))
        return out

    def close(self) -> None:
        with self._lock:
            if self._h:
                h, self._h = self._h, 0
                _check(_lib.fastil_policy_destroy(h))

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def _run(config: dict[str, Any]) -> dict:
    for k, v in config.items():
        if not isinstance(v, (str, int, float, bool)) or isinstance(v, complex):
            raise TypeError(f"option {k!r} must be a str, int, float or bool; got {type(v).__name__}")
    needed = _i32()
    _check(_lib.fastil_run_json(json.dumps(config).encode("utf-8"), ctypes.byref(needed)))
    return json.loads(_last(_lib.fastil_last_result))


def dagger(**options) -> dict:
    """A DAgger run with ``fastil dagger``'s options (underscores for dashes); returns its ``--out`` document."""
    return _run({"algorithm": "dagger", **options})


def bc(**options) -> dict:
    """A behavioural-cloning run with ``fastil bc``'s options; returns its ``--out`` document."""
    return _run({"algorithm": "bc", **options})


def evaluate(env: str, policy: str | os.PathLike, episodes: int = 1000, seed: int = 0, threads: int = 1) -> dict:
    """Evaluates a saved policy as ``fastil eval --json`` does."""
    return _run({"algorithm": "eval", "env": env, "policy": os.fspath(policy), "episodes": episodes, "seed": seed, "threads": threads})
