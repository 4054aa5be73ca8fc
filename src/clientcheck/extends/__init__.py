"""Extending without copying: `extends:`, `disable:` and `override:` in rules and questions files.

The merge happens on the YAML trees, before the loader validates anything: the extended
file's tree is copied, the extending file's overrides are written into the copy *with their
own marks*, and the loader then checks the merged tree as if it had been written in one piece.
So a bad value in an override is reported at the line of the user's file that says it, and
everything inherited keeps pointing at the file it came from.

A path in `extends` is relative to the folder that holds the rules file (for questions: the
folder that holds the questions folder) and may not leave it: a rules file received from
someone else must not be able to make clientcheck read files elsewhere on the machine.
"""

from __future__ import annotations

from clientcheck.extends.base import BUILTIN as BUILTIN
from clientcheck.extends.base import MAX_CHAIN as MAX_CHAIN
from clientcheck.extends.base import MAX_QUESTION_FILES as MAX_QUESTION_FILES
from clientcheck.extends.base import Reporter as Reporter
from clientcheck.extends.base import condition_names as condition_names
from clientcheck.extends.base import resolve_base as resolve_base
from clientcheck.extends.questions import QuestionFile as QuestionFile
from clientcheck.extends.questions import question_files as question_files
from clientcheck.extends.questions import read_question_folder as read_question_folder
from clientcheck.extends.rules import RulesContext as RulesContext
from clientcheck.extends.rules import drop_rules_using as drop_rules_using
from clientcheck.extends.rules import merge_rules as merge_rules
