#!/usr/bin/env python3
"""Checks bench/compare.py's parsing and table code (no runs): python3 -m unittest discover bench"""
import contextlib
import io
import unittest

import compare


class BestRateTests(unittest.TestCase):
    def test_best_epoch_of_json_lines(self):
        out = '{"epoch": 1, "samples_per_s": 900.5}\n{"epoch": 2, "samples_per_s": 1000}\n'
        self.assertEqual(compare.best_rate(out), 1000.0)

    def test_prose_lines_are_ignored(self):
        self.assertEqual(compare.best_rate('warming up\n{"samples_per_s": 3.0}\n'), 3.0)

    def test_output_without_a_rate_is_refused(self):
        for out in ["", "epoch 1/2  123 samples/s\n", '{"samples_per_s": null}\n', '{"samples_per_s": true}\n']:
            with self.assertRaises(ValueError):
                compare.best_rate(out)

    def test_a_broken_json_line_is_refused(self):
        with self.assertRaises(ValueError):
            compare.best_rate('{"samples_per_s": 1\n')


class TableTests(unittest.TestCase):
    def test_cell_shows_median_and_range(self):
        self.assertEqual(compare.cell([100.0, 300.0, 200.0]), "200 (100–300)")
        self.assertEqual(compare.cell([1234.4]), "1,234")
        self.assertEqual(compare.cell([None, None]), "–")

    def test_table_rows_ratio_and_scaling(self):
        results = {}
        for batch, threads in compare.SETTINGS:
            results[(compare.TENSORTOP, batch, threads)] = [1000.0 * threads, 1200.0 * threads]
            results[(compare.PYTORCH, batch, threads)] = [500.0, 400.0]
            results[(compare.NUMPY, batch, threads)] = [800.0, None]
        text = compare.render(results, 2, 2, "Test CPU, 2 CPUs", "PyTorch 9.9", set())
        lines = text.splitlines()
        self.assertIn("| setting | TensorTop | PyTorch | numpy loop | TensorTop / PyTorch |", lines)
        # TensorTop ÷ PyTorch per round: 2000/500 = 4, 2400/400 = 6
        self.assertIn("| batch 256, 2 threads | 2,200 (2,000–2,400) | 450 (400–500) | 800 | 5.00× (4.00–6.00) |", lines)
        self.assertIn("| 2-thread ÷ 1-thread samples/s | 2.00× (2.00–2.00) | 1.00× (1.00–1.00) | 1.00× |", lines)
        self.assertTrue(any("Test CPU, 2 CPUs" in line for line in lines))

    def test_skipped_columns_are_left_out(self):
        results = {(compare.TENSORTOP, b, t): [100.0] for b, t in compare.SETTINGS}
        text = compare.render(results, 1, 2, "m", "", {compare.PYTORCH, compare.NUMPY})
        self.assertIn("| setting | TensorTop |", text)
        self.assertNotIn("PyTorch", text)


class ArgumentTests(unittest.TestCase):
    def test_bad_values_are_refused(self):
        for argv in (["--rounds", "0"], ["--rounds", "two"], ["--tensortop", "/nonexistent/tensortop"]):
            with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()):
                compare.parse_arguments(argv)


if __name__ == "__main__":
    unittest.main()
