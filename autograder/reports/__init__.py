"""What a grading run writes for people: grades.csv and canvas.csv, feedback pages, summary pages."""
