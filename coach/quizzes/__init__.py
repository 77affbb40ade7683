"""Pure quizzes: question banks, the question-type registry, seeded assembly and grading.
Filled by the certification issue."""
