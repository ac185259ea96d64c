"""Interpreter start-up and a burst of imports, then exit: the busiest time for frames
being pushed and popped and for code objects being created, which a sampler must read
whole or not at all."""
import argparse
import json
import logging
import threading

if __name__ == "__main__":
    print(len([argparse, json, logging, threading]))
