"""The synthetic match's play: 22 players, a referee and the ball moved by simple rules, in pitch metres.

Kept apart from the drawing (:mod:`synthetic_drawing`) so the rules of play can
be read, tested and reused (team and role of every person) without any pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

HALF_LENGTH = 52.5
HALF_WIDTH = 34.0
TEAM_SIZE = 11
REFEREE = 2 * TEAM_SIZE
PEOPLE = REFEREE + 1
KEEPERS = (0, TEAM_SIZE)
TEAM_NAMES = ("left", "right")
_GRAVITY = 9.81
# 4-4-2 of the left team (it attacks +x); the right team is its point mirror.
_FORMATION = (
    (-50.0, 0.0),
    (-36.0, -22.0),
    (-38.0, -8.0),
    (-38.0, 8.0),
    (-36.0, 22.0),
    (-20.0, -24.0),
    (-22.0, -8.0),
    (-22.0, 8.0),
    (-20.0, 24.0),
    (-6.0, -6.0),
    (-8.0, 7.0),
)
_KICK_OFF_TAKER = 9


def person_team(person: int) -> int | None:
    """0 for the left team, 1 for the right team, None for the referee."""
    return None if person == REFEREE else person // TEAM_SIZE


def person_role(person: int) -> str:
    """``player``, ``goalkeeper`` or ``referee``."""
    if person == REFEREE:
        return "referee"
    return "goalkeeper" if person in KEEPERS else "player"


@dataclass(frozen=True)
class _Flight:
    """A ball in flight: ground distance follows constant deceleration, height a parabola."""

    start: np.ndarray
    end: np.ndarray
    start_z: float
    apex: float
    t0: float
    duration: float
    v0: float
    v_end: float
    receiver: int
    shot: bool

    def at(self, t: float) -> tuple[np.ndarray, float]:
        tau = min(max(t - self.t0, 0.0), self.duration)
        u = tau / self.duration
        deceleration = (self.v0 - self.v_end) / self.duration
        travelled = self.v0 * tau - 0.5 * deceleration * tau * tau
        distance = max(float(np.hypot(*(self.end - self.start))), 1e-6)
        ground = self.start + (self.end - self.start) * (travelled / distance)
        return ground, self.start_z * (1.0 - u) + 4.0 * self.apex * u * (1.0 - u)

    @property
    def direction(self) -> np.ndarray:
        delta = self.end - self.start
        return delta / max(float(np.hypot(*delta)), 1e-6)


@dataclass(frozen=True)
class Event:
    frame_index: int
    label: str
    team: str


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.hypot(*vector))
    return vector / norm if norm > 1e-6 else np.zeros(2)


def _on_pitch(point: np.ndarray, margin: float = 1.0) -> np.ndarray:
    low = [-HALF_LENGTH + margin, -HALF_WIDTH + margin]
    return np.clip(point, low, [HALF_LENGTH - margin, HALF_WIDTH - margin])


class Match:
    """Players, referee and ball on the pitch (metres), advanced one frame at a time by simple rules.

    The owner dribbles towards the opponents' goal, then passes (along the
    ground or lofted), or shoots when close or when the clip would otherwise
    end without a shot. Everyone else seeks a target (formation spot shifted
    with the ball, the ball itself for the nearest defender, the landing point
    for the receiver) with limited acceleration, so motion looks smooth.
    """

    def __init__(self, rng: np.random.Generator, fps: int, duration: float) -> None:
        self._rng = rng
        self._dt = 1.0 / fps
        self._shot_deadline = max(0.25 * duration, 4.0)  # a long enough clip (20 s) always shows a shot
        left = np.array(_FORMATION)
        self.team = np.array([0] * TEAM_SIZE + [1] * TEAM_SIZE + [-1])
        self.attack = np.where(self.team == 1, -1.0, 1.0)
        self.is_keeper = np.isin(np.arange(PEOPLE), KEEPERS)
        self._home = np.concatenate([left, -left, [(0.0, 0.0)]])
        pos = self._home + np.concatenate([rng.uniform(-1.5, 1.5, (2 * TEAM_SIZE, 2)), np.zeros((1, 2))])
        pos[:TEAM_SIZE, 0] = np.minimum(pos[:TEAM_SIZE, 0], -1.0)
        pos[TEAM_SIZE:REFEREE, 0] = np.maximum(pos[TEAM_SIZE:REFEREE, 0], 1.0)
        for j in range(TEAM_SIZE, REFEREE):  # the defending team waits outside the centre circle
            distance = float(np.hypot(*pos[j]))
            if distance < 9.6:
                pos[j] *= 9.6 / distance
        pos[_KICK_OFF_TAKER] = (-0.7, -0.3)
        pos[REFEREE] = (-8.0, -12.0)
        self.pos = pos
        self.vel = np.zeros((PEOPLE, 2))
        self.phase = rng.uniform(0.0, 2 * math.pi, PEOPLE)
        self.facing = self.attack.copy()
        self._wander_rate = rng.uniform(0.3, 1.2, (PEOPLE, 2))
        self._wander_phase = rng.uniform(0.0, 2 * math.pi, (PEOPLE, 2))
        self.ball = np.zeros(2)
        self.ball_z = 0.0
        self.ball_spin = 0.0
        self._ball_vel = np.zeros(2)
        self.owner: int | None = None
        self.held = False
        self._sprint = False
        self._flight: _Flight | None = None
        self._loose_to: int | None = None
        self._act_at = 0.0
        self._dribble_to = np.zeros(2)
        self._in_possession = 0
        self._shots = 0
        self.events: list[Event] = []

    # ---- one frame

    def step(self, frame_index: int) -> None:
        t = frame_index * self._dt
        if frame_index == 0:
            self._take(_KICK_OFF_TAKER, 0, t)
            self._act_at = 0.4
        else:
            self._resolve(frame_index, t)
            self._move_people(t)
        self._move_ball(t)

    def _resolve(self, frame_index: int, t: float) -> None:
        flight = self._flight
        if flight is not None and t - flight.t0 >= flight.duration - 1e-9:
            self._flight = None
            self.ball = flight.end.copy()
            if flight.shot:
                self._take(flight.receiver, frame_index, t, held=True)
            else:
                self.ball_z = 0.0
                self._loose_to = flight.receiver
                self._ball_vel = flight.direction * flight.v_end * (0.5 if flight.apex > 0 else 1.0)
        if self._loose_to is not None and float(np.hypot(*(self.pos[self._loose_to] - self.ball))) < 1.0:
            self._take(self._loose_to, frame_index, t)
        if self.owner is not None and t >= self._act_at:
            self._act(frame_index, t)

    def _take(self, player: int, frame_index: int, t: float, held: bool = False) -> None:
        self.owner = player
        self.held = held
        self._sprint = False
        self._loose_to = None
        self._ball_vel = np.zeros(2)
        self._in_possession = int(self.team[player])
        if held:
            self._act_at = t + self._rng.uniform(1.0, 1.6)
        else:
            self._act_at = t + self._rng.uniform(0.8, 2.0)
            self._new_dribble_target(player)
            self._event(frame_index, "DRIVE", player)

    def _new_dribble_target(self, player: int) -> None:
        step = np.array([self.attack[player] * self._rng.uniform(5.0, 10.0), self._rng.uniform(-5.0, 5.0)])
        self._dribble_to = _on_pitch(self.pos[player] + step, margin=3.0)

    def _event(self, frame_index: int, label: str, player: int) -> None:
        self.events.append(Event(frame_index, label, TEAM_NAMES[int(self.team[player])]))

    # ---- decisions

    def _outfield(self, team: int) -> list[int]:
        return [j for j in range(REFEREE) if self.team[j] == team and not self.is_keeper[j]]

    def _act(self, frame_index: int, t: float) -> None:
        player = self.owner
        assert player is not None
        goal = np.array([self.attack[player] * HALF_LENGTH, 0.0])
        to_goal = float(np.hypot(*(goal - self.ball)))
        # Past the deadline with no shot yet, go straight for goal (a solo run, or a long ball
        # from deep), so even a short clip shows a shot.
        urgent = self._shots == 0 and t >= self._shot_deadline
        if self.held:
            self._pass(frame_index, t, player, preferred_distance=35.0, lofted=True, forward=urgent)
        elif to_goal < 26.0:
            self._shoot(frame_index, t, player)
        elif urgent and to_goal < 55.0:
            self._dribble_to = np.array(
                [self.attack[player] * (HALF_LENGTH - 16.0), np.clip(0.5 * self.ball[1], -8, 8)]
            )
            self._sprint = True
            self._act_at = t + 0.3
            return
        else:
            self._pass(frame_index, t, player, preferred_distance=20.0, lofted=urgent, forward=urgent)
        self.owner = None
        self.held = False

    def _pass(
        self, frame_index: int, t: float, player: int, preferred_distance: float, lofted: bool, forward: bool
    ) -> None:
        """Pass to a teammate, preferring forward ones near ``preferred_distance``.

        ``forward`` plays a long ball instead, to the teammate nearest the spot 28 m
        from the opponents' goal, met on his run there: the quickest way to a shot from deep.
        """
        rng = self._rng
        attack = self.attack[player]
        mates = [j for j in self._outfield(int(self.team[player])) if j != player]
        if forward:
            target = np.array([attack * (HALF_LENGTH - 28.0), np.clip(self.ball[1], -15.0, 15.0)])
            receiver = mates[int(np.argmin(np.hypot(*(self.pos[mates] - target).T)))]
            lofted = True
            end = target
            for _ in range(2):  # meet the receiver where his run towards the target has got to
                reach = max(float(np.hypot(*(end - self.ball))), 1.0)
                run = target - self.pos[receiver]
                run_time = reach / self._pass_speed(reach, lofted=True)
                end = self.pos[receiver] + _unit(run) * min(float(np.hypot(*run)), 6.0 * run_time)
        else:
            lead = self.pos[mates] + 0.8 * self.vel[mates]
            distance = np.hypot(*(lead - self.ball).T)
            progress = (lead[:, 0] - self.ball[0]) * attack
            weights = np.exp(progress / 12.0 - ((distance - preferred_distance) / 14.0) ** 2) * (distance > 6.0)
            if weights.sum() <= 0:
                weights = np.exp(-distance / 10.0)
            receiver = mates[int(rng.choice(len(mates), p=weights / weights.sum()))]
            first_guess = float(np.hypot(*(self.pos[receiver] - self.ball)))
            lofted = lofted or first_guess > 32.0 or (first_guess > 20.0 and rng.random() < 0.25)
            duration = first_guess / self._pass_speed(first_guess, lofted)
            ahead = np.array([attack * rng.uniform(0.0, 3.0), 0.0])
            end = _on_pitch(self.pos[receiver] + 0.7 * duration * self.vel[receiver] + ahead)
        distance_to_end = max(float(np.hypot(*(end - self.ball))), 1.0)
        speed = self._pass_speed(distance_to_end, lofted)
        opponents = self._outfield(1 - int(self.team[player]))
        gaps = np.hypot(*(self.pos[opponents] - end).T)
        if not forward and gaps.min() < 8.0 and rng.random() < 0.3:  # intercepted by a close opponent
            receiver = opponents[int(np.argmin(gaps))]
        if lofted:
            flight_time = distance_to_end / speed
            apex = _GRAVITY * flight_time**2 / 8.0
            self._launch(t, end, receiver, speed, speed, apex, shot=False)
            self._event(frame_index, "HIGH PASS", player)
        else:
            self._launch(t, end, receiver, speed, 3.0, 0.0, shot=False)
            self._event(frame_index, "PASS", player)

    @staticmethod
    def _pass_speed(distance: float, lofted: bool) -> float:
        """Average ground speed (m/s): harder passes over longer distances."""
        return 9.0 + 0.2 * distance if lofted else float(np.clip(7.0 + 0.3 * distance, 8.0, 16.0))

    def _shoot(self, frame_index: int, t: float, player: int) -> None:
        rng = self._rng
        keeper = KEEPERS[1 - int(self.team[player])]
        target_y = float(np.clip(self.pos[keeper, 1] + rng.uniform(-1.6, 1.6), -3.2, 3.2))
        end = np.array([self.attack[player] * HALF_LENGTH, target_y])
        long_range = float(np.hypot(*(end - self.ball))) > 30.0
        speed = 20.0 if long_range else 24.0
        apex = rng.uniform(2.0, 3.5) if long_range else rng.uniform(0.0, 1.2)
        self._launch(t, end, keeper, speed, 0.8 * speed, apex, shot=True)
        self._shots += 1
        self._event(frame_index, "SHOT", player)

    def _launch(
        self, t: float, end: np.ndarray, receiver: int, average_speed: float, end_speed: float, apex: float, shot: bool
    ) -> None:
        distance = max(float(np.hypot(*(end - self.ball))), 0.5)
        self._flight = _Flight(
            start=self.ball.copy(),
            end=end,
            start_z=self.ball_z,
            apex=apex,
            t0=t,
            duration=distance / average_speed,
            v0=2.0 * average_speed - end_speed,
            v_end=end_speed,
            receiver=receiver,
            shot=shot,
        )

    # ---- motion

    def _move_people(self, t: float) -> None:
        targets = np.empty((PEOPLE, 2))
        top_speed = np.empty(PEOPLE)
        defenders = self._outfield(1 - self._in_possession)
        presser = defenders[int(np.argmin(np.hypot(*(self.pos[defenders] - self.ball).T)))]
        for j in range(PEOPLE):
            targets[j], top_speed[j] = self._target(j, t, presser)
        offset = targets - self.pos
        distance = np.hypot(*offset.T)[:, None]
        desired = offset / np.maximum(distance, 1e-6) * np.minimum(top_speed[:, None], 1.5 * distance)
        change = desired - self.vel
        limit = 8.0 * self._dt
        change *= np.minimum(1.0, limit / np.maximum(np.hypot(*change.T), 1e-9))[:, None]
        self.vel += change
        self.pos = np.clip(
            self.pos + self.vel * self._dt, [-HALF_LENGTH, -HALF_WIDTH + 0.5], [HALF_LENGTH, HALF_WIDTH - 0.5]
        )
        speed = np.hypot(*self.vel.T)
        self.phase += 2 * math.pi * (0.8 + 0.28 * speed) * np.minimum(1.0, speed) * self._dt
        self.facing = np.where(np.abs(self.vel[:, 0]) > 0.3, np.sign(self.vel[:, 0]), self.facing)
        owner = self.owner
        if owner is not None and not self.held and float(np.hypot(*(self._dribble_to - self.pos[owner]))) < 1.5:
            self._new_dribble_target(owner)

    def _target(self, j: int, t: float, presser: int) -> tuple[np.ndarray, float]:
        """Where person ``j`` heads now and how fast they may run (m/s)."""
        ball = self.ball
        if j == REFEREE:
            return np.array([ball[0] - 7.0, ball[1] - 10.0 if ball[1] >= 0 else ball[1] + 10.0]), 6.0
        if j == self.owner:
            return (self.pos[j], 1.0) if self.held else (self._dribble_to, 7.0 if self._sprint else 5.2)
        if self._flight is not None and j == self._flight.receiver:
            return self._flight.end, 8.0
        if j == self._loose_to:
            return ball + 0.3 * self._ball_vel, 7.5
        attack = self.attack[j]
        if self.is_keeper[j]:
            own_goal_x = -attack * HALF_LENGTH
            step_out = 1.5 + 3.0 * math.exp(-abs(ball[0] - own_goal_x) / 25.0)
            return np.array([own_goal_x + attack * step_out, np.clip(0.12 * ball[1], -3.0, 3.0)]), 4.0
        if j == presser:
            own_goal = np.array([-attack * HALF_LENGTH, 0.0])
            return ball + 1.3 * _unit(own_goal - ball), 6.5
        push = 6.0 if self.team[j] == self._in_possession else -2.0
        wander = 1.5 * np.sin(self._wander_rate[j] * t + self._wander_phase[j])
        home = self._home[j]
        target = np.array([home[0] + 0.55 * ball[0] + attack * push, 0.85 * home[1] + 0.3 * ball[1]]) + wander
        return _on_pitch(target, margin=2.0), 4.2

    def _move_ball(self, t: float) -> None:
        before = self.ball.copy()
        if self._flight is not None:
            self.ball, self.ball_z = self._flight.at(t)
        elif self.owner is not None:
            owner = self.owner
            if self.held:
                spot, height = self.pos[owner] + np.array([0.25 * self.facing[owner], -0.35]), 1.05
            else:
                heading = _unit(self.vel[owner])
                if not heading.any():
                    heading = _unit(self._dribble_to - self.pos[owner])
                touch = 0.55 + 0.3 * math.sin(2 * math.pi * t / 0.55)
                spot, height = self.pos[owner] + touch * heading, 0.0
            self.ball = self.ball + 0.45 * (spot - self.ball)
            self.ball_z += 0.45 * (height - self.ball_z)
        else:
            speed = float(np.hypot(*self._ball_vel))
            if speed > 0:
                self._ball_vel *= max(0.0, speed - 4.0 * self._dt) / speed
            moved = self.ball + self._ball_vel * self._dt
            self.ball = _on_pitch(moved, margin=0.3)
            if not np.allclose(moved, self.ball):
                self._ball_vel = np.zeros(2)
        self.ball_spin += 3.0 * float(np.hypot(*(self.ball - before)))
