"""The soak test: LearnHub on two web nodes, two worker nodes and beat, under load and
injected faults, judged at the end (``make soak``; see README "Soak test")."""
