"""The sizes the generator builds: `small` for CI smoke runs, `province` for the real claim."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    officials: int
    # The unit tree is four levels deep: one root, then this many children per unit per level.
    units_per_level: tuple[int, int, int]
    courses: int
    lessons_per_course: int
    curricula: int
    courses_per_curriculum: int
    # Every first-level unit is assigned this many curricula; its officials get one record each.
    curricula_per_unit: int
    # Officials who get a session for the load test (each request uses a different official).
    # The same at every size, so that comparing sizes compares data, not the share of first
    # visits (a first visit to a lesson costs more than a return).
    sessions: int
    # Open final-exam attempts for the quiz scenario: each is answered and submitted once.
    quiz_attempts: int

    @property
    def units(self) -> int:
        first, second, third = self.units_per_level
        return 1 + first + first * second + first * second * third


SIZES = {
    "small": Size(
        name="small",
        officials=2_000,
        units_per_level=(4, 3, 4),
        courses=20,
        lessons_per_course=5,
        curricula=4,
        courses_per_curriculum=3,
        curricula_per_unit=2,
        sessions=200,
        quiz_attempts=600,
    ),
    "province": Size(
        name="province",
        officials=200_000,
        units_per_level=(40, 5, 24),
        courses=300,
        lessons_per_course=10,
        curricula=20,
        courses_per_curriculum=3,
        curricula_per_unit=5,
        sessions=200,
        quiz_attempts=2_000,
    ),
}
