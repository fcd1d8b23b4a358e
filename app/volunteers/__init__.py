"""Volunteer service agency (为民服务代理): the catalogue, agents' profiles and matching."""
